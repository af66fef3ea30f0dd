package bench

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// wantUsers decodes the users of a payload independently of every path.
func wantUsers(t testing.TB, p []byte) []User {
	t.Helper()
	var es []envelope
	if p[0] == '[' {
		if err := json.Unmarshal(p, &es); err != nil {
			t.Fatal(err)
		}
	} else {
		es = make([]envelope, 1)
		if err := json.Unmarshal(p, &es[0]); err != nil {
			t.Fatal(err)
		}
	}
	us := make([]User, len(es))
	for i, e := range es {
		if err := json.Unmarshal([]byte(e.Data.Body), &us[i]); err != nil {
			t.Fatal(err)
		}
	}
	return us
}

func TestPayloads(t *testing.T) {
	if len(singlePayload) != 875 {
		t.Errorf("single payload is %d bytes, want 875", len(singlePayload))
	}
	users := wantUsers(t, batchPayload)
	if len(users) != batchSize {
		t.Fatalf("batch has %d events, want %d", len(users), batchSize)
	}
	seen := make(map[User]bool)
	for _, u := range users {
		if seen[u] {
			t.Errorf("batch repeats %+v", u)
		}
		seen[u] = true
	}
	for _, s := range []string{"7adc3f0b-ee4c-4ab4-a98a-000000000099", "order-1100", "AC1900010F2B18B4AAC2804D2C850099"} {
		if !strings.Contains(string(batchPayload), s) {
			t.Errorf("batch does not contain %q", s)
		}
	}
}

func TestAllPathsAgree(t *testing.T) {
	ctx := context.Background()
	var got []User
	record := func(_ context.Context, u User) error {
		// Copy: a path may hand out strings that share its buffers.
		got = append(got, User{strings.Clone(u.ID), strings.Clone(u.Name), strings.Clone(u.Job), strings.Clone(u.Hero)})
		return nil
	}
	for _, c := range []struct {
		name    string
		payload []byte
	}{
		{"single", singlePayload},
		{"batch100", batchPayload},
	} {
		want := wantUsers(t, c.payload)
		for _, p := range paths(record) {
			run := p.single
			if c.name != "single" {
				run = p.batch
			}
			// Twice: the second call must not see state left by the first.
			for range 2 {
				got = got[:0]
				if err := run(ctx, c.payload); err != nil {
					t.Errorf("%s/%s: %v", c.name, p.name, err)
					continue
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s/%s: handler got %d users %.3v..., want %d %.3v...", c.name, p.name, len(got), got, len(want), want)
				}
			}
		}
	}
}

// BenchmarkDecodeDispatch runs every path on the same payloads, from the
// payload bytes to the return of the last handler call.
func BenchmarkDecodeDispatch(b *testing.B) {
	ctx := context.Background()
	ps := paths(userHandler)
	for _, c := range []struct {
		name    string
		payload []byte
		events  int
	}{
		{"single", singlePayload, 1},
		{"batch100", batchPayload, batchSize},
	} {
		b.Run(c.name, func(b *testing.B) {
			for _, p := range ps {
				run := p.single
				if c.events > 1 {
					run = p.batch
				}
				b.Run(p.name, func(b *testing.B) {
					b.SetBytes(int64(len(c.payload)))
					b.ReportAllocs()
					for b.Loop() {
						if err := run(ctx, c.payload); err != nil {
							b.Fatal(err)
						}
					}
					if c.events > 1 {
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.events), "ns/event")
					}
				})
			}
		})
	}
}
