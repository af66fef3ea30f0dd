package fn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// The tests in this file check that values decoded by the typed handlers
// own their memory: keeping a small part of a value keeps neither the
// payload nor the body alive.

const (
	bigPad      = 8 << 20 // bytes of padding in each body
	bigPayloads = 5
	// retainLimit bounds the live heap's growth after keeping one small
	// piece of each of the bigPayloads values: far below one payload.
	retainLimit = 4 << 20
)

// bigBody is a message body of a little over bigPad bytes: a 3-byte id,
// a number and a short map beside a large padding string.
func bigBody(i int) string {
	return fmt.Sprintf(`{"id":"id%d","n":%d,"tags":{"k":"v%d"},"pad":"%s"}`, i, i, i, strings.Repeat("x", bigPad))
}

// bigPayload is one CloudEvent carrying bigBody(i) as a JSON string, the
// usual form, so the body is unescaped within the payload's copy.
func bigPayload(i int) []byte {
	body := strings.ReplaceAll(bigBody(i), `"`, `\"`)
	return fmt.Appendf(nil, `{"specversion":"1.0","id":"e%d","data":{"topic":"big","systemProperties":{"UNIQ_KEY":"M%d"},"body":"%s"}}`, i, i, body)
}

// liveHeap returns the bytes of live heap objects after full collections:
// two, as objects in sync.Pools survive the first.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// checkRetained invokes app with bigPayloads big payloads and checks that
// what kept holds afterwards, and nothing else of the invocations, keeps
// less than retainLimit of heap alive. kept returns what the handler kept
// from the i-th invocation, as text, to check it too.
func checkRetained(t *testing.T, app *fn.App, kept func(i int) string) {
	t.Helper()
	before := liveHeap()
	for i := range bigPayloads {
		if _, err := app.Invoke(context.Background(), bigPayload(i)); err != nil {
			t.Fatal(err)
		}
	}
	after := liveHeap()
	for i := range bigPayloads {
		if got, want := strings.Trim(kept(i), `"`), fmt.Sprint(i); !strings.HasSuffix(got, want) {
			t.Errorf("kept %q from payload %d", got, i)
		}
	}
	growth := int64(after) - int64(before)
	t.Logf("live heap grew by %d bytes keeping a small piece of %d values decoded from %d-byte payloads", growth, bigPayloads, len(bigBody(0)))
	if growth >= retainLimit {
		t.Errorf("live heap grew by %.1f MiB keeping %d small pieces of decoded values: they pin their payloads (limit %d MiB)",
			float64(growth)/(1<<20), bigPayloads, retainLimit>>20)
	}
}

type bigDoc struct {
	ID string `json:"id"`
}

func TestTypedValuesDoNotPinThePayload(t *testing.T) {
	ids := make([]string, 0, bigPayloads)
	app := fn.New()
	app.Handle("big", "*", fn.Typed(func(ctx context.Context, d bigDoc) error {
		ids = append(ids, d.ID)
		return nil
	}))
	checkRetained(t, app, func(i int) string { return ids[i] })
	runtime.KeepAlive(ids)
}

// TestTypedPiecesDoNotPinThePayload keeps a small piece of each kind of
// value the decoder produces, through each typed adapter.
func TestTypedPiecesDoNotPinThePayload(t *testing.T) {
	type withPad struct {
		ID  string `json:"id"`
		Pad string `json:"pad"`
	}
	type number struct {
		N json.Number `json:"n"`
	}
	cases := []struct {
		name  string
		setup func(app *fn.App, keep func(string))
	}{
		{"string beside a big string", func(app *fn.App, keep func(string)) {
			app.Handle("big", "*", fn.Typed(func(ctx context.Context, d withPad) error {
				keep(d.ID)
				return nil
			}))
		}},
		{"map[string]any", func(app *fn.App, keep func(string)) {
			app.Handle("big", "*", fn.Typed(func(ctx context.Context, m map[string]any) error {
				keep(m["id"].(string))
				return nil
			}))
		}},
		{"json.RawMessage", func(app *fn.App, keep func(string)) {
			app.Handle("big", "*", fn.TypedMessage(func(ctx context.Context, m map[string]json.RawMessage, _ *event.Message) error {
				keep(string(m["id"]))
				return nil
			}))
		}},
		{"json.Number", func(app *fn.App, keep func(string)) {
			app.Handle("big", "*", fn.TypedResult(func(ctx context.Context, p number) (any, error) {
				keep(p.N.String())
				return nil, nil
			}))
		}},
		{"map value", func(app *fn.App, keep func(string)) {
			app.Handle("big", "*", fn.Typed(func(ctx context.Context, p struct {
				Tags map[string]string `json:"tags"`
			}) error {
				keep(p.Tags["k"])
				return nil
			}))
		}},
		{"any", func(app *fn.App, keep func(string)) {
			app.Handle("big", "*", fn.Typed(func(ctx context.Context, p struct {
				Tags any `json:"tags"`
			}) error {
				keep(p.Tags.(map[string]any)["k"].(string))
				return nil
			}))
		}},
		{"TypedBatch", func(app *fn.App, keep func(string)) {
			app.HandleBatch("big", "*", fn.TypedBatch(func(ctx context.Context, vs []bigDoc) error {
				keep(vs[0].ID)
				return nil
			}))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var kept []string
			app := fn.New()
			c.setup(app, func(s string) { kept = append(kept, s) })
			checkRetained(t, app, func(i int) string { return kept[i] })
			runtime.KeepAlive(kept)
		})
	}
}

// TestTypedBytesIsACopy checks that a []byte handler gets a body of its
// own, which it may keep or change.
func TestTypedBytesIsACopy(t *testing.T) {
	app := fn.New()
	calls := 0
	app.Handle("t", "*", fn.TypedMessage(func(ctx context.Context, b []byte, m *event.Message) error {
		calls++
		if string(b) != `{"id":"x"}` || string(m.Body) != `{"id":"x"}` {
			t.Errorf("body %q, message body %q", b, m.Body)
		}
		if unsafe.SliceData(b) == unsafe.SliceData(m.Body) {
			t.Error("the []byte value shares the message's body")
		}
		b[0] = 'X'
		if m.Body[0] != '{' {
			t.Error("changing the []byte value changed the message's body")
		}
		return nil
	}))
	if _, err := app.Invoke(context.Background(), []byte(`{"data":{"topic":"t","body":"{\"id\":\"x\"}"}}`)); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("%d calls", calls)
	}
}
