package bind

import (
	"flag"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

var randomDocs = flag.Int("random-docs", 3000, "documents per type in TestRandomDocuments")

// A docGen writes random JSON documents whose keys come from the field
// names of the types under test (in varied case), so that, unlike byte
// mutation, most documents reach deep into the decoder.
type docGen struct {
	r    *rand.Rand
	keys []string
	sb   strings.Builder
}

var docKeys = strings.Fields(`id kind i i8 u16 f f32 b s st p ps sl ss bytes arr m ma mi in a n raw t tp q qb tx
	label name job hero q e m k u err Q E M K I U Err P T A Owner Secret shown Name W WP WS WM TP TS TPP VR B Tm
	TmP IP Raw RP F JN Ti PP Sl N S tagger meta 1 -1 300 bad AS AM St Any MB BB Z SS SA SI SSt SP SSl Nm`)

var docStrings = []string{`""`, `"x"`, `"12"`, `"-3.5"`, `"true"`, `"null"`, `"\"q\""`, `"a,b"`, `"bad"`,
	`"fail"`, `"type"`, `"aGk="`, `"2024-05-01T10:20:30Z"`, `"10.0.0.1"`, `"\u00e9\n"`, `"\ud800"`, "\"\xff\""}

var docNumbers = []string{`0`, `-0`, `1`, `-1`, `127`, `128`, `300`, `65536`, `1.5`, `-2.5e3`, `1e400`,
	`9223372036854775808`, `0.1`, `3.4e38`, `12345678901234567890`}

func (g *docGen) value(depth int) {
	switch n := g.r.IntN(10); {
	case n < 2 && depth < 4:
		g.object(depth + 1)
	case n < 3 && depth < 4:
		g.array(depth + 1)
	case n < 5:
		g.sb.WriteString(docStrings[g.r.IntN(len(docStrings))])
	case n < 7:
		g.sb.WriteString(docNumbers[g.r.IntN(len(docNumbers))])
	case n < 8:
		g.sb.WriteString([]string{"true", "false"}[g.r.IntN(2)])
	default:
		g.sb.WriteString("null")
	}
}

func (g *docGen) object(depth int) {
	g.sb.WriteByte('{')
	for i := range g.r.IntN(5) {
		if i > 0 {
			g.sb.WriteByte(',')
		}
		key := strconv.Quote(g.keys[g.r.IntN(len(g.keys))])
		switch g.r.IntN(12) {
		case 0:
			key = strings.ToUpper(key)
		case 1:
			key = strings.Replace(key, "i", `\u0069`, 1)
		}
		g.sb.WriteString(key)
		g.space()
		g.sb.WriteByte(':')
		g.space()
		g.value(depth)
	}
	g.sb.WriteByte('}')
}

func (g *docGen) array(depth int) {
	g.sb.WriteByte('[')
	for i := range g.r.IntN(4) {
		if i > 0 {
			g.sb.WriteByte(',')
		}
		g.value(depth)
	}
	g.sb.WriteByte(']')
}

func (g *docGen) space() {
	if g.r.IntN(8) == 0 {
		g.sb.WriteString([]string{" ", "\n\t", "\r\n  "}[g.r.IntN(3)])
	}
}

// doc returns a document; one in ten is then damaged (cut short, or a
// byte inserted) to exercise syntax errors after partial decoding.
func (g *docGen) doc() []byte {
	g.sb.Reset()
	g.space()
	if g.r.IntN(8) == 0 {
		g.value(0)
	} else {
		g.object(0)
	}
	g.space()
	b := []byte(g.sb.String())
	if g.r.IntN(10) == 0 && len(b) > 1 {
		i := g.r.IntN(len(b))
		if g.r.IntN(2) == 0 {
			return b[:i]
		}
		return append(b[:i:i], append([]byte{",:]}\"x0"[g.r.IntN(7)]}, b[i:]...)...)
	}
	return b
}

// TestRandomDocuments compares decoding random documents with
// encoding/json, into zero and into already filled values.
func TestRandomDocuments(t *testing.T) {
	g := &docGen{r: rand.New(rand.NewPCG(7, 11)), keys: docKeys}
	for range *randomDocs {
		data := g.doc()
		fuzzSame[Rich](t, data, richSeeds[0])
		fuzzSame[Mixed](t, data, mixedSeeds[0])
		fuzzSame[map[string]Inner](t, data, mapSeeds[0])
		fuzzSame[[]Item](t, data, sliceSeeds[1])
		fuzzSame[any](t, data, mapSeeds[1])
		for _, msg := range []string{
			compare(data, filledAnys), compare(data, filledPointers),
			compare(data, filledSlices), compare(data, filledMaps),
		} {
			if msg != "" {
				t.Fatalf("input %q\n%s", data, msg)
			}
		}
	}
}

// Values holding what encoding/json never produces itself: pointers in
// interfaces, slices with spare capacity, shared targets.
func filledAnys() *Anys {
	n, inner := 1, Inner{ID: 5}
	var held any = &inner
	return &Anys{A: &n, AS: []any{&Inner{}, 2.0}, N: &held, AM: map[string]any{"p": &n}, E: &jsonErr{}}
}

func filledPointers() *Pointers {
	s, n := "s", 2
	pn := &n
	var a any = &n
	return &Pointers{S: &s, I: &n, PP: &pn, St: &Inner{ID: 1, Label: "l"}, Any: &a, Sl: &[]int{1, 2}}
}

func filledSlices() *Slices {
	st := make([]Inner, 1, 3)
	st[:3][2] = Inner{ID: 9, Label: "stale"}
	return &Slices{S: make([]string, 0, 2), I: []int{1, 2, 3}[:1], St: st, A: [2]int{4, 5}, B: []byte("x")}
}

func filledMaps() *Maps {
	return &Maps{SS: map[string]string{"a": "b"}, SA: map[string]any{"x": 1.0}, SSt: map[string]Inner{"k": {ID: 1}}}
}
