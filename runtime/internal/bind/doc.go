// Package bind decodes JSON message bodies into Go values with the
// semantics of encoding/json's Unmarshal, several times faster (3.4x to
// 4.6x on the bodies of bench_test.go: go test -bench Decode; the numbers
// and why the decoder keeps its unsafe writes are in internal/bench's
// README).
//
// # Plans
//
// For[T] inspects T once, by reflection, and builds a plan: a graph of
// codecs, one per Go type, each knowing how to decode a JSON value into
// memory of that type. A struct codec holds a field table with every
// decodable field's JSON name, its case-folded name, its offset from the
// start of the struct, any embedded pointers on the way to it, and the
// codec of its type. Field names and promotion through embedded structs
// follow encoding/json exactly (tags, "-", ",string", dominance of shallow
// and tagged names). Plans and codecs are cached, immutable and shared, so
// For is cheap after the first call and plans are safe for concurrent use.
// Decode(data, v) is the same for a v whose type is known only at run
// time: it looks the plan up by v's type in a cache (built on first use,
// the same codecs For builds), so it decodes exactly as For does.
//
// Decode then walks the input once, validating it as it goes, and writes
// each value through unsafe pointers computed from the precomputed offsets:
// no reflect.Value is built on the common paths (strings, numbers, bools,
// structs, pointers, slices, arrays, map[string]string, map[string]any and
// interfaces). Object keys are matched against the field table trying the
// field after the previous match first, since producers usually write
// fields in declaration order; then by exact name; then case-insensitively
// as encoding/json does. The decoder state lives on the stack.
//
// # Decoded values own their memory
//
// Decode never modifies its input and the value it decodes never points
// into it: every string (of struct fields, map keys and values, slice and
// array elements, json.Number values, strings in interfaces) is a copy, as
// are json.RawMessage and []byte values. So a caller may reuse the input
// buffer, and keeping any part of a decoded value does not keep the input
// alive. Copying costs an allocation per 512 bytes of strings rather than
// one per string: strings of up to 128 bytes are packed, in the order they
// are decoded, into chunks of at most 512 bytes (sized by the input left
// to read, so a small body gets a small chunk), and a longer string has an
// allocation of its own. So a short string keeps alive at most the chunk
// it is in, shared with other short strings of the same Decode call; a
// long string keeps alive only itself.
//
// Decoding methods (UnmarshalJSON, UnmarshalText) receive views of the
// input, or of a scratch buffer, as encoding/json's do: as its
// documentation requires, they must copy what they keep.
//
// # What is not decoded natively
//
// Values whose type has an UnmarshalJSON or UnmarshalText method (such as
// time.Time), like encoding/json, are handed to that method with the raw
// JSON (or the unquoted string), under the same rules for when the method
// applies. Fields with the ",string" option, maps with non-string keys and
// values reached through pointers stored in interfaces are decoded along
// encoding/json's own steps through reflect. Kinds encoding/json cannot
// decode into (channels, functions, complex numbers) report the same type
// errors it does. So every type decodes, with the same result.
//
// # Errors
//
// Decode returns the errors encoding/json returns for the same input: the
// same *json.SyntaxError for malformed input (computed by encoding/json
// itself once the input is known to be malformed), and the first
// *json.UnmarshalTypeError, with its Value, Type, Offset, Struct and Field,
// for values that do not fit, after decoding the rest of the input. Errors
// from UnmarshalJSON and UnmarshalText methods stop decoding and are
// returned as they are.
//
// # Differences from encoding/json
//
// encoding/json validates the whole input before decoding; Decode
// validates while decoding. On malformed input both return the same
// *json.SyntaxError, but Decode may already have filled part of *v. Before
// the first call to a decoding method, Decode validates the whole input,
// so methods are never called for malformed input, except the methods of
// time.Time and of the net/netip types, which only write their receiver.
package bind
