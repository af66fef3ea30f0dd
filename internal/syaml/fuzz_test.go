package syaml

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileSeeds exercise the limits: alias bombs, self-referencing
// anchors, merge loops, reference cycles and deep nesting.
var hostileSeeds = []string{
	"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"vars: &d [*c, *c, *c, *c, *c, *c, *c, *c]\nresources: {f: {component: fc3, props: {functionName: f, runtime: go1, x: [*d, *d, *d, *d]}}}\n",
	"resources: &r\n  f: *r\n",
	"vars: &v\n  <<: *v\n  a: ${vars.a}\n",
	"vars:\n  a: ${vars.b}${vars.b}${vars.b}\n  b: ${vars.c}${vars.c}${vars.c}\n  c: ${vars.a}${vars.a}\nname: ${vars.a}\n",
	"edition: 3.0.0\nresources:\n  f:\n    component: fc3\n    props:\n      functionName: ${functionName}\n      runtime: ${this.props.runtime}\n",
	strings.Repeat("[", 200) + strings.Repeat("]", 200),
	"vars: &v\n  a: 1\n  <<: [*v, *v, *v, *v, *v, *v, *v, *v]\n",
	"a: &a {x: 1, y: 2}\nb: &b {<<: [*a, *a, *a, *a]}\nc: &c {<<: [*b, *b, *b, *b]}\nd: &d {<<: [*c, *c, *c, *c]}\nvars: {<<: [*d, *d, *d, *d]}\n",
	"edition: 3.0.0\nresources:\n  f:\n    component: fc3\n    props:\n      triggers:\n        - triggerType: eventbridge\n          triggerConfig:\n            eventRuleFilterPattern: {a: &p {b: *p}}\n",
}

// TestMain caps fuzz minimization at minimizeTime unless
// -test.fuzzminimizetime is given. The fixture seeds are a few KB and the
// minimizer is quadratic in the input size, so with the default minute a
// 45 s run would spend all its time minimizing the first new input.
func TestMain(m *testing.M) {
	const minimizeTime = "3s"
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if !set && flag.Lookup("test.fuzzminimizetime") != nil {
		if err := flag.Set("test.fuzzminimizetime", minimizeTime); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// FuzzParse checks that no input makes Parse panic or hang, and that its
// results keep their promises: errors and warnings name a line, and two
// parses of the same input agree.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range hostileSeeds {
		f.Add([]byte(s))
	}
	env := func(name string) (string, bool) { return "v-" + name, len(name)%2 == 0 }
	f.Fuzz(func(t *testing.T, b []byte) {
		timer := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Parse hangs on %q", b)) })
		defer timer.Stop()
		p, err := Parse(b, "/code", WithEnv(env))
		checkResult(t, p, err)
		p2, err2 := Parse(b, "/code", WithEnv(env))
		if errString(err) != errString(err2) || (p == nil) != (p2 == nil) {
			t.Fatalf("two parses differ:\n%v\n%v", err, err2)
		}
		if p != nil && len(p.Warnings) != len(p2.Warnings) {
			t.Fatalf("two parses give %d and %d warnings", len(p.Warnings), len(p2.Warnings))
		}
	})
}

// checkResult asserts what Parse promises for any input.
func checkResult(t *testing.T, p *Project, err error) {
	if err == nil && p == nil {
		t.Fatal("nil Project without an error")
	}
	if err != nil {
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %v is not a non-empty ErrorList", err)
		}
		for _, e := range list {
			if e.Line < 1 || e.File != "s.yaml" || e.Msg == "" {
				t.Fatalf("bad error %#v", e)
			}
		}
	}
	if p == nil {
		return
	}
	for _, w := range p.Warnings {
		if w.Line < 1 || w.Message == "" {
			t.Fatalf("bad warning %#v", w)
		}
	}
	for _, fn := range p.Functions {
		if fn == nil || fn.Line < 1 {
			t.Fatalf("bad function %#v", fn)
		}
		for _, tr := range fn.Triggers {
			if tr == nil || tr.Line < 1 {
				t.Fatalf("bad trigger %#v", tr)
			}
		}
	}
}

// errString is err's text, "" for nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// BenchmarkParseFixture times Parse on a typical two-function file.
func BenchmarkParseFixture(b *testing.B) {
	src, err := os.ReadFile("testdata/fc3.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src, "/code", WithEnv(testEnv)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseHostile shows the limits keep hostile input cheap.
func BenchmarkParseHostile(b *testing.B) {
	for b.Loop() {
		for _, s := range hostileSeeds {
			Parse([]byte(s), "")
		}
	}
}
