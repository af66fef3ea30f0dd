package bind

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
)

func TestNilTarget(t *testing.T) {
	err := For[User]().Decode([]byte(`{}`), nil)
	var ie *json.InvalidUnmarshalError
	if !errors.As(err, &ie) || err.Error() != json.Unmarshal([]byte(`{}`), (*User)(nil)).Error() {
		t.Errorf("nil target: %v", err)
	}
	err = For[User]().Decode([]byte(`{`), nil)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("nil target, bad input: %v", err)
	}
}

func TestDoesNotModifyInput(t *testing.T) {
	in := `{"id":"\u00e9sc\n","name":"plain","job":"` + "\xff" + `"}`
	data := []byte(in)
	var u User
	if err := For[User]().Decode(data, &u); err != nil {
		t.Fatal(err)
	}
	if string(data) != in {
		t.Errorf("input modified: %q", data)
	}
}

func TestPlanIsCached(t *testing.T) {
	first, second := For[User](), For[User]()
	if first != second {
		t.Error("For returned different plans for the same type")
	}
}

type concA struct {
	N  *concA
	S  []concB
	M  map[string]concB
	Tx textish
}

type concB struct {
	A  *concA
	ID int
}

// TestConcurrentUse builds and uses plans from many goroutines at once,
// including codecs built during decoding (pointers held in interfaces).
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				same[concA](t, `{"N":{"S":[{"ID":1,"A":{"Tx":"x"}}]},"M":{"k":{"ID":2}}}`)
				same[Rich](t, richSeeds[g%len(richSeeds)])
				var inner concB
				held := &Anys{A: &inner}
				in := []byte(`{"A":{"ID":` + string(rune('0'+i%10)) + `}}`)
				if err := For[Anys]().Decode(in, held); err != nil || inner.ID != i%10 {
					t.Errorf("held pointer: %v %d", err, inner.ID)
				}
			}
		})
	}
	wg.Wait()
}
