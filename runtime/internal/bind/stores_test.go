package bind

import (
	"reflect"
	"testing"
)

// BenchmarkStores measures what the decoder's stores through unsafe
// pointers (value.go, object.go, mem.go) save over stores through
// reflect.Value. unsafe decodes the User body with the plan, as fn.Typed
// does; reflect decodes the same body with the same scanning, field
// lookup and string copies, and only stores each field with
// reflect.Value.Field(i).SetString instead of at its offset.
//
//	go test -run='^$' -bench=Stores -count=8 ./runtime/internal/bind | tee stores.txt
//	benchstat -col /store stores.txt
func BenchmarkStores(b *testing.B) {
	b.Run("store=unsafe", benchBind[User](userBody))
	b.Run("store=reflect", func(b *testing.B) {
		c := For[User]().root
		index := fieldIndexes(c)
		b.SetBytes(int64(len(userBody)))
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			var u User
			if err := decodeReflect(c, index, userBody, reflect.ValueOf(&u).Elem()); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// fieldIndexes returns the Go field index of every field in c's table.
func fieldIndexes(c *codec) []int {
	byName := map[string]int{}
	for _, f := range typeFields(c.typ) {
		byName[f.name] = f.index[0]
	}
	index := make([]int, len(c.fields.list))
	for i, f := range c.fields.list {
		index[i] = byName[f.name]
	}
	return index
}

// decodeReflect is decodeStruct for a struct of plain string fields, with
// reflect stores.
func decodeReflect(c *codec, index []int, data []byte, v reflect.Value) error {
	d := decoder{data: data}
	d.skipSpace()
	if d.peek() != '{' {
		return errSyntax
	}
	if empty, err := d.openObject(); empty || err != nil {
		return err
	}
	tab, hint := c.fields, 0
	for {
		if d.next() != '"' {
			return errSyntax
		}
		key, err := d.view()
		if err != nil {
			return err
		}
		i := hint
		if i >= len(tab.list) || tab.list[i].name != string(key) {
			i = tab.find(key)
		}
		if err := d.colon(); err != nil {
			return err
		}
		if i < 0 {
			err = d.skip()
		} else {
			hint = i + 1
			var s string
			if s, err = d.str(); err == nil {
				v.Field(index[i]).SetString(s)
			}
		}
		if err != nil {
			return err
		}
		if done, err := d.endMember('}'); err != nil || done {
			return err
		}
	}
}

func TestDecodeReflect(t *testing.T) {
	c := For[User]().root
	var got, want User
	if err := decodeReflect(c, fieldIndexes(c), userBody, reflect.ValueOf(&got).Elem()); err != nil {
		t.Fatal(err)
	}
	if err := For[User]().Decode(userBody, &want); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
