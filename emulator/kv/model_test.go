package kv_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// modelBuckets and modelBounds keep the random key space small so that
// writes, tombstones and stored keys collide often.
var (
	modelBuckets = []string{"x", "y"}
	modelBounds  = []string{"", "k0", "k3", "k35", "k7", "k9", "kz"}
)

// testRandomAgainstModel runs random Updates, some of them failing, and
// compares every read inside and after them with a map-based model.
func testRandomAgainstModel(t *testing.T, s kv.Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	state := map[string]model{"x": {}, "y": {}}
	for round := range 60 {
		next := copyState(state)
		fail := rng.IntN(5) == 0
		err := s.Update(func(w kv.Writer) error {
			for range 1 + rng.IntN(12) {
				randomOp(t, rng, w, next)
			}
			for _, b := range modelBuckets {
				checkAllBounds(t, w, b, next[b], modelBounds)
			}
			if fail {
				return errAbort
			}
			return nil
		})
		if fail != (err != nil) {
			t.Fatalf("round %d: Update = %v, fail = %v", round, err, fail)
		}
		if !fail {
			state = next
		}
		_ = s.View(func(r kv.Reader) error {
			for _, b := range modelBuckets {
				checkAllBounds(t, r, b, state[b], modelBounds)
			}
			return nil
		})
		if t.Failed() {
			t.Fatalf("stopped after round %d", round)
		}
	}
}

// randomOp performs one random write or point read on w and the model.
func randomOp(t *testing.T, rng *rand.Rand, w kv.Writer, m map[string]model) {
	b := modelBuckets[rng.IntN(len(modelBuckets))]
	k := fmt.Sprintf("k%d", rng.IntN(10))
	switch n := rng.IntN(20); {
	case n < 10:
		v := fmt.Sprintf("v%d", rng.IntN(1000))
		applyOp(t, w, b, "+"+k+"="+v)
		m[b][k] = v
	case n < 16:
		applyOp(t, w, b, "-"+k)
		delete(m[b], k)
	case n < 17:
		if err := w.DeleteBucket(b); err != nil {
			t.Fatal(err)
		}
		m[b] = model{}
	default:
		want, ok := m[b][k]
		if got := w.Get(b, []byte(k)); ok != (got != nil) || string(got) != want {
			t.Errorf("Get(%s, %s) = %q, want %q (present %v)", b, k, got, want, ok)
		}
	}
}

// copyState deep-copies the models of all buckets.
func copyState(s map[string]model) map[string]model {
	out := make(map[string]model, len(s))
	for b, m := range s {
		out[b] = maps.Clone(m)
	}
	return out
}
