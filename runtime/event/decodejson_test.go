package event_test

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// TestDecodeJSONInvalidTargets checks that targets json.Unmarshal refuses
// get its error, inside a *BodyError, and no panic.
func TestDecodeJSONInvalidTargets(t *testing.T) {
	type doc struct{ ID string }
	var nilDoc *doc
	for _, body := range []string{`{\"ID\":\"1\"}`, `{`, `eyJJRCI6IjEifQ==`} {
		m := decodeOne(t, `{"data":{"msgId":"M1","topic":"t","body":"`+body+`"}}`)
		for _, v := range []any{nil, doc{}, nilDoc, "s", map[string]any{}} {
			err := m.DecodeJSON(v)
			want := m.DecodeBody(func(data []byte) error { return json.Unmarshal(data, v) })
			var be *event.BodyError
			if !errors.As(err, &be) || be.MessageID != "M1" || err.Error() != want.Error() {
				t.Errorf("DecodeJSON(%T) of %s: %v; want %v", v, m.Body, err, want)
			}
		}
	}
}

// TestDecodeJSONDoesNotPinThePayload keeps a 3-byte string decoded from
// each of five 8 MiB payloads and checks that they keep far less alive.
func TestDecodeJSONDoesNotPinThePayload(t *testing.T) {
	var kept []string
	pad := strings.Repeat("x", 8<<20)
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := range 5 {
		p, err := event.Decode([]byte(`{"data":{"topic":"t","body":"{\"id\":\"id` + string(rune('0'+i)) + `\",\"pad\":\"` + pad + `\"}"}}`))
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			ID string `json:"id"`
		}
		if err := p.Messages[0].DecodeJSON(&v); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, v.ID)
	}
	growth := int64(heap()) - int64(before)
	if kept[4] != "id4" {
		t.Errorf("kept %q", kept)
	}
	if growth > 4<<20 {
		t.Errorf("live heap grew by %.1f MiB keeping five 3-byte strings", float64(growth)/(1<<20))
	}
	runtime.KeepAlive(kept)
}
