package pattern

import (
	"bytes"
	"encoding/json"
	"testing"
)

// fuzzPatterns seed both fuzz targets.
var fuzzPatterns = []string{
	`{}`,
	tagsPattern,
	keysPattern,
	`{"a":["x",1,true,null,""]}`,
	`{"a":[{"prefix":"p"},{"suffix":"s"},{"contains":"c"}]}`,
	`{"a":[{"anything-but":"x"},{"anything-but":1},{"anything-but":["x",2]}]}`,
	`{"a":[{"anything-but":{"prefix":"p"}},{"anything-but":{"suffix":"s"}}]}`,
	`{"a":[{"numeric":[">",0,"<=",5]},{"numeric":["!=",-1.5e10]}]}`,
	`{"a":[{"cidr":"10.0.0.0/24"},{"cidr":"2001:db8::/32"}]}`,
	`{"a":[{"exists":true}],"b":{"c":[{"exists":false}]}}`,
	`{"":{"a.b":["\u0000"]}}`,
	`{"a":[1e308,-0,5e-324]}`,
}

var fuzzEvents = []string{
	`{}`,
	`{"a":"x","b":{"c":1}}`,
	`{"a":[1,"x",null,[true,["p"]],{"a":"s"}]}`,
	`{"a":[{"b":{"c":"d"}},{"b":[{"c":1}]}]}`,
	`{"a":"10.0.0.7","b":"::ffff:10.0.0.7","c":"fe80::1%eth0"}`,
	`{"a":1e400,"b":-1e-400,"c":12345678901234567890123}`,
}

func FuzzCompile(f *testing.F) {
	for _, s := range fuzzPatterns {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"a":[1],"a":[2]}`))
	f.Add([]byte(`{"a":[{"numeric":[">",1,"<"]}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Compile(src)
		if err != nil {
			if p != nil {
				t.Fatal("Compile returned a pattern and an error")
			}
			return
		}
		q, err := Compile([]byte(p.String()))
		if err != nil {
			t.Fatalf("canonical form %s does not compile: %v", p, err)
		}
		if q.String() != p.String() {
			t.Fatalf("canonical form not stable:\n%s\n%s", p, q)
		}
		if len(q.Paths()) != len(p.Paths()) {
			t.Fatalf("paths differ: %q vs %q", p.Paths(), q.Paths())
		}
	})
}

func FuzzMatch(f *testing.F) {
	for i, p := range fuzzPatterns {
		f.Add([]byte(p), []byte(fuzzEvents[i%len(fuzzEvents)]))
	}
	for _, e := range fuzzEvents {
		f.Add([]byte(keysPattern), []byte(e))
	}
	f.Fuzz(func(t *testing.T, src, event []byte) {
		p, err := Compile(src)
		if err != nil {
			return
		}
		d, err := JSON(event)
		if err != nil {
			return
		}
		matched := p.Match(d)
		if why := p.Explain(d); (why == "") != matched {
			t.Fatalf("Match = %v but Explain = %q", matched, why)
		}
		// A Doc built from the same data through Map agrees.
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(event))
		dec.UseNumber()
		if dec.Decode(&m) == nil && p.Match(Map(m)) != matched {
			t.Fatalf("Map and JSON disagree for %s", event)
		}
		// The canonical form matches the same events.
		if MustCompile(p.String()).Match(d) != matched {
			t.Fatalf("canonical form %s disagrees on %s", p, event)
		}
	})
}
