//go:build !rocketfn_copystrings

package event

import "unsafe"

// view returns the bytes of b, a part of the payload copy the decoder
// owns, as a string that shares them. This is the package's one use of
// unsafe: the decoder never writes to bytes a view covers (strings are
// unescaped in place before they are viewed, and the buffer is not
// written again), and the buffer is the decoder's own (Decode copies the
// payload; DecodeOwned takes the caller's buffer over).
//
// Views are what lets a decoded message cost a few allocations however
// many strings it has. Building with -tags rocketfn_copystrings replaces
// them with copies (view_copy.go), to measure what they save:
//
//	go test -c -o views.test ./runtime/event
//	go test -c -o copies.test -tags rocketfn_copystrings ./runtime/event
//	for i in 1 2 3 4 5 6 7 8; do for t in views copies; do
//		./$t.test -test.run='^$' -test.bench=Decode -test.count=1 | sed "s/^BenchmarkDecode/BenchmarkDecode\/strings=$t/"
//	done; done > views.txt
//	benchstat -col /strings views.txt
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
