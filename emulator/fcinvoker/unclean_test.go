package fcinvoker

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestUncleanStopIsCounted closes a function that exits with status 7 on
// SIGTERM and one that exits cleanly: Stats.Unclean counts the first only.
func TestUncleanStopIsCounted(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs(filepath.Join("testdata", "badstop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    Function
		want int64
	}{
		{"badstop", Function{Name: "badstop", Dir: dir, Build: true, Timeout: 5 * time.Second}, 1},
		{"clean", testFunction(t), 0},
	} {
		inv := startInvoker(t, tc.f, Options{})
		if res, err := inv.Invoke(t.Context(), []byte(`[]`), ""); err != nil || res.Failed {
			t.Fatalf("%s: invoke: %+v, %v", tc.name, res, err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err := inv.Close(ctx)
		cancel()
		if err != nil {
			t.Fatalf("%s: close: %v", tc.name, err)
		}
		if got := inv.Stats().Unclean; got != tc.want {
			t.Errorf("%s: Stats.Unclean = %d after Close, want %d", tc.name, got, tc.want)
		}
	}
}
