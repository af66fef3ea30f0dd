package ots

import "testing"

// FuzzParseShardIterator parses arbitrary iterators: parsing never panics,
// and whatever parses is written back as the same string, so one position
// has one iterator.
func FuzzParseShardIterator(f *testing.F) {
	f.Add(shardIterator{stream: "0f1e2d3c-0000-4000-8000-000000000000", shard: "0f1e2d3c-0000-4000-8000-000000000000.0", pos: 1}.String())
	f.Add(shardIterator{stream: "a", shard: "b", pos: 1<<64 - 1}.String())
	f.Add("")
	f.Add("YXxifDA")  // a|b|0
	f.Add("YXxifDAx") // a|b|01
	f.Fuzz(func(t *testing.T, s string) {
		it, ok := parseShardIterator(s)
		if !ok {
			return
		}
		if it.pos == 0 || it.stream == "" || it.shard == "" {
			t.Fatalf("%q parsed to %+v", s, it)
		}
		if back := it.String(); back != s {
			t.Fatalf("%q parsed to %+v, written back as %q", s, it, back)
		}
	})
}
