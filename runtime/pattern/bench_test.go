package pattern

import (
	"encoding/json"
	"slices"
	"testing"
)

// flatDoc is a minimal Doc over precomputed paths, as a caller with its own
// event struct would write. It does not allocate.
type flatDoc []flatField

type flatField struct {
	path  []string
	value any
}

func (d flatDoc) Lookup(path []string) (any, bool) {
	for _, f := range d {
		if slices.Equal(f.path, path) {
			return f.value, true
		}
	}
	return nil, false
}

// benchDoc is a Doc already, so passing it to Match does not box it.
var benchDoc Doc = flatDoc{
	{[]string{"type"}, "mq:Topic:SendMessage"},
	{[]string{"subject"}, "acs:mq:cn-hangzhou:1649:MQ_INST_1649%orders"},
	{[]string{"data", "topic"}, "orders"},
	{[]string{"data", "systemProperties", "TAGS"}, "updated"},
	{[]string{"data", "systemProperties", "KEYS"}, "order-1001"},
	{[]string{"data", "systemProperties", "CONSUME_START_TIME"}, json.Number("1628577790396")},
	{[]string{"data", "userProperties", "tenant"}, "acme"},
}

var benchPatterns = map[string]string{
	"tags":    tagsPattern,
	"keys":    keysPattern,
	"numeric": `{"data":{"systemProperties":{"CONSUME_START_TIME":[{"numeric":[">",0,"<",2e12]}]}}}`,
}

func BenchmarkMatch(b *testing.B) {
	for _, name := range []string{"tags", "keys", "numeric"} {
		p := MustCompile(benchPatterns[name])
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !p.Match(benchDoc) {
					b.Fatal("no match")
				}
			}
		})
	}
	p := MustCompile(tagsPattern)
	m := loadEvent(b, "fc-trigger-single.json", map[string]any{
		"data.topic":                 "orders",
		"data.systemProperties.TAGS": "created",
	})
	b.Run("tags-map", func(b *testing.B) {
		b.ReportAllocs()
		d := Map(m)
		for b.Loop() {
			if !p.Match(d) {
				b.Fatal("no match")
			}
		}
	})
}

func TestMatchDoesNotAllocate(t *testing.T) {
	for name, src := range benchPatterns {
		p := MustCompile(src)
		if n := testing.AllocsPerRun(100, func() { p.Match(benchDoc) }); n != 0 {
			t.Errorf("%s: Match allocates %v times per run", name, n)
		}
	}
	d := Map(loadEvent(t, "fc-trigger-single.json", nil))
	p := MustCompile(tagsPattern)
	if n := testing.AllocsPerRun(100, func() { p.Match(d) }); n != 0 {
		t.Errorf("Map doc: Match allocates %v times per run", n)
	}
}
