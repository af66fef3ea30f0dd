package fn_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// FuzzInvoke feeds arbitrary payloads through a whole App: it must never
// panic, and every failure must be an *InvokeError whose body is JSON.
func FuzzInvoke(f *testing.F) {
	files, _ := filepath.Glob("../event/testdata/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"topic":"t","body":"{\"id\":7}"},"{\"topic\":\"u\",\"body\":\"x\"}",1]`))
	app := fn.New(fn.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), fn.WithConcurrency(2))
	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p Player) error {
		if p.ID == "" {
			return errors.New("no id")
		}
		return nil
	}))
	app.HandleBatch("t", "*", fn.TypedBatch(func(ctx context.Context, ps []Player) error { return nil }))
	app.Handle("*", "*", fn.TypedResult(func(ctx context.Context, s string) (int, error) { return len(s), nil }))
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := app.Invoke(context.Background(), payload)
		if err != nil {
			var ie *fn.InvokeError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T: %v", err, err)
			}
			if !json.Valid(ie.JSON()) {
				t.Fatalf("error body is not JSON: %s", ie.JSON())
			}
			return
		}
		if len(out) > 0 && !json.Valid(out) {
			t.Fatalf("response is not JSON: %s", out)
		}
	})
}
