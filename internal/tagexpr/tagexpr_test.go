package tagexpr_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

func TestParse(t *testing.T) {
	tests := []struct {
		expr string
		want string   // canonical form
		tags []string // nil for every tag
	}{
		{"", "*", nil},
		{"   ", "*", nil},
		{"*", "*", nil},
		{" * ", "*", nil},
		{"\t*\n", "*", nil},
		{"a", "a", []string{"a"}},
		{"a||b", "a||b", []string{"a", "b"}},
		{" A || B ", "A||B", []string{"A", "B"}},
		{"b||a", "b||a", []string{"b", "a"}},
		{"a||a||b||a", "a||b", []string{"a", "b"}},
		{"a||A", "a||A", []string{"a", "A"}},
		{"order created", "order created", []string{"order created"}},
		{" order  created || paid", "order  created||paid", []string{"order  created", "paid"}},
		{"tag*", "tag*", []string{"tag*"}},
		{"**", "**", []string{"**"}},
		{strings.Repeat("x", tagexpr.MaxTagLen), strings.Repeat("x", tagexpr.MaxTagLen), []string{strings.Repeat("x", tagexpr.MaxTagLen)}},
		{"1||2||3||4||5||6||7||8||9", "1||2||3||4||5||6||7||8||9", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}},
	}
	for _, tt := range tests {
		e, err := tagexpr.Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.expr, got, tt.want)
		}
		if got := e.Tags(); !slices.Equal(got, tt.tags) || (got == nil) != (tt.tags == nil) {
			t.Errorf("Parse(%q).Tags() = %q, want %q", tt.expr, got, tt.tags)
		}
		if e.MatchesAll() != (tt.tags == nil) {
			t.Errorf("Parse(%q).MatchesAll() = %v", tt.expr, e.MatchesAll())
		}
	}
}

func TestParseErrors(t *testing.T) {
	long := strings.Repeat("y", tagexpr.MaxTagLen+1)
	tests := []struct{ expr, reason string }{
		{"||", "names no tag"},
		{" || ", "names no tag"},
		{"||||", "names no tag"},
		{"a||", "tag 2 of 2 is empty"},
		{"||a", "tag 1 of 2 is empty"},
		{"a|| ||b", "tag 2 of 3 is empty"},
		{"a||||b", "tag 2 of 3 is empty"},
		{"a||*", `"*" matches every tag on its own only`},
		{"* || a", `"*" matches every tag on its own only`},
		{"a|b", `tag "a|b" holds '|'`},
		{"a|||b", `tag "|b" holds '|'`},
		{"|", `tag "|" holds '|'`},
		{"a||" + long, fmt.Sprintf(`tag "%s"... is %d bytes, over the limit of %d`, long[:32], len(long), tagexpr.MaxTagLen)},
		{strings.Repeat("é", 65), "is 130 bytes"},
	}
	for _, tt := range tests {
		e, err := tagexpr.Parse(tt.expr)
		var pe *tagexpr.Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, %v; want an *Error", tt.expr, e, err)
			continue
		}
		if pe.Expr != tt.expr || !strings.Contains(pe.Reason, tt.reason) {
			t.Errorf("Parse(%q): %+v, want a reason with %q", tt.expr, pe, tt.reason)
		}
		if !strings.HasPrefix(err.Error(), fmt.Sprintf("tag expression %q: ", tt.expr)) {
			t.Errorf("Parse(%q): %q does not name the expression", tt.expr, err)
		}
		if !e.MatchesAll() {
			t.Errorf("Parse(%q) returned %v with its error", tt.expr, e)
		}
	}
}

func TestMatch(t *testing.T) {
	many := "t1||t2||t3||t4||t5||t6||t7||t8||t9||t10"
	tests := []struct {
		expr, tag string
		want      bool
	}{
		{"*", "", true},
		{"*", "a", true},
		{"*", "*", true},
		{"", "a", true},
		{"a", "a", true},
		{"a", "b", false},
		{"a", "", false},
		{"a", " a", false}, // message tags are compared as they are
		{"a", "A", false},
		{"a||b", "b", true},
		{" a || b ", "b", true},
		{" a || b ", " b ", false},
		{"a||b", "c", false},
		{"order created", "order created", true},
		{"order created", "order", false},
		{many, "t10", true},
		{many, "t1", true},
		{many, "t11", false},
		{many, "", false},
	}
	for _, tt := range tests {
		if got := tagexpr.MustParse(tt.expr).Match(tt.tag); got != tt.want {
			t.Errorf("Parse(%q).Match(%q) = %v, want %v", tt.expr, tt.tag, got, tt.want)
		}
	}
}

func TestZeroExprMatchesAll(t *testing.T) {
	var e tagexpr.Expr
	if !e.MatchesAll() || !e.Match("") || !e.Match("x") || e.String() != "*" || e.Tags() != nil {
		t.Errorf("zero Expr: all %v, string %q, tags %q", e.MatchesAll(), e.String(), e.Tags())
	}
}

func TestTagsIsACopy(t *testing.T) {
	e := tagexpr.MustParse("a||b")
	e.Tags()[0] = "z"
	if !e.Match("a") || e.Match("z") || e.String() != "a||b" {
		t.Errorf("changing Tags() changed the Expr: %v", e)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `tag expression "||"`) {
			t.Errorf("recovered %v", r)
		}
	}()
	tagexpr.MustParse("||")
}

// matched keeps the results of Match alive, so that the compiler cannot
// drop the calls TestMatchDoesNotAllocate measures.
var matched int

// TestMatchDoesNotAllocate measures Match on the three forms an Expr
// takes (every tag, a few tags compared one by one, many tags in a map),
// for a tag that matches and one that does not.
func TestMatchDoesNotAllocate(t *testing.T) {
	tests := []struct {
		expr string
		want [2]bool // Match of "t9", of "zz"
	}{
		{"*", [2]bool{true, true}},
		{"a||t9||c", [2]bool{true, false}},
		{"t1||t2||t3||t4||t5||t6||t7||t8||t9||t10", [2]bool{true, false}},
	}
	for _, tt := range tests {
		e := tagexpr.MustParse(tt.expr)
		tags := [2]string{strings.Repeat("t", 1) + "9", strings.Repeat("z", 2)} // built at run time
		for i, tag := range tags {
			if got := e.Match(tag); got != tt.want[i] {
				t.Fatalf("Parse(%q).Match(%q) = %v", tt.expr, tag, got)
			}
			n := testing.AllocsPerRun(100, func() {
				if e.Match(tag) {
					matched++
				}
			})
			if n != 0 {
				t.Errorf("Parse(%q).Match(%q): %v allocations per call, want 0", tt.expr, tag, n)
			}
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, expr := range []string{"*", "created||paid||shipped", "t1||t2||t3||t4||t5||t6||t7||t8||t9||t10||t11||t12"} {
		e := tagexpr.MustParse(expr)
		b.Run(fmt.Sprint(len(e.Tags()), "tags"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Match("shipped")
			}
		})
	}
}

// FuzzParse checks that Parse never panics, that what it accepts prints
// back to an expression with the same meaning, and that Match agrees with
// Tags.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "*", " * ", "a", "a||b", " A || B ", "||", "a||", "a||*", "a|b", "a|||b",
		"order created||paid", "a||a", strings.Repeat("x", 129), "1||2||3||4||5||6||7||8||9||1", "\u00a0a\u00a0"} {
		f.Add(s, "a")
	}
	f.Fuzz(func(t *testing.T, expr, tag string) {
		e, err := tagexpr.Parse(expr)
		if err != nil {
			var pe *tagexpr.Error
			if !errors.As(err, &pe) || pe.Expr != expr || pe.Reason == "" {
				t.Fatalf("Parse(%q): error %v is not a complete *Error", expr, err)
			}
			return
		}
		again, err := tagexpr.Parse(e.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q, which does not parse: %v", expr, e.String(), err)
		}
		if again.String() != e.String() || !slices.Equal(again.Tags(), e.Tags()) {
			t.Fatalf("Parse(%q): %q reparses as %q", expr, e.String(), again.String())
		}
		tags := e.Tags()
		if e.MatchesAll() != (tags == nil) {
			t.Fatalf("Parse(%q): MatchesAll %v with tags %q", expr, e.MatchesAll(), tags)
		}
		for i, x := range tags {
			if x == "" || x != strings.TrimSpace(x) || strings.Contains(x, "|") || x == "*" || len(x) > tagexpr.MaxTagLen {
				t.Fatalf("Parse(%q): bad tag %q", expr, x)
			}
			if slices.Contains(tags[:i], x) {
				t.Fatalf("Parse(%q): tag %q repeated", expr, x)
			}
			if !e.Match(x) {
				t.Fatalf("Parse(%q) does not match its own tag %q", expr, x)
			}
		}
		if want := tags == nil || slices.Contains(tags, tag); e.Match(tag) != want {
			t.Fatalf("Parse(%q).Match(%q) = %v, want %v", expr, tag, !want, want)
		}
	})
}
