package bind

import (
	"reflect"
	"unsafe"
)

// Typed stores through unsafe pointers. Every store of a pointer-bearing
// value goes through a typed Go assignment or reflect, so the garbage
// collector's write barriers see it.

type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

type ifaceWords struct {
	tab  unsafe.Pointer
	data unsafe.Pointer
}

// emptyBase backs the empty, non-nil slices that "[]" decodes to.
var emptyBase uintptr

func storeInt(p unsafe.Pointer, size uintptr, n int64) {
	switch size {
	case 1:
		*(*int8)(p) = int8(n)
	case 2:
		*(*int16)(p) = int16(n)
	case 4:
		*(*int32)(p) = int32(n)
	default:
		*(*int64)(p) = n
	}
}

func storeUint(p unsafe.Pointer, size uintptr, n uint64) {
	switch size {
	case 1:
		*(*uint8)(p) = uint8(n)
	case 2:
		*(*uint16)(p) = uint16(n)
	case 4:
		*(*uint32)(p) = uint32(n)
	default:
		*(*uint64)(p) = n
	}
}

func storeFloat(p unsafe.Pointer, size uintptr, f float64) {
	if size == 4 {
		*(*float32)(p) = float32(f)
		return
	}
	*(*float64)(p) = f
}

// newValue allocates a zero value of type t.
func newValue(t reflect.Type) unsafe.Pointer {
	return reflect.New(t).UnsafePointer()
}

// clearValue applies JSON null to the (non-pointer-codec) value at p.
func clearValue(c *codec, p unsafe.Pointer) {
	switch c.null {
	case nullClearsSlice:
		*(*sliceHeader)(p) = sliceHeader{}
	case nullClearsWord:
		*(*unsafe.Pointer)(p) = nil
	case nullClearsAny:
		*(*any)(p) = nil
	case nullClearsIface:
		*(*ifaceWords)(p) = ifaceWords{}
	}
}

// zeroValue sets the value of type t at p to its zero value.
func zeroValue(t reflect.Type, p unsafe.Pointer) {
	reflect.NewAt(t, p).Elem().SetZero()
}

// growSlice gives the slice of type t at p room for at least one more
// element, doubling its capacity (at least 4). Elements past its length
// in the new backing array are zero.
func growSlice(t reflect.Type, p unsafe.Pointer) {
	n := max((*sliceHeader)(p).cap, 4)
	reflect.NewAt(t, p).Elem().Grow(n)
}
