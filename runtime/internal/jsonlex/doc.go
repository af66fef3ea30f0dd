// Package jsonlex is the lexical layer of JSON that the payload decoder
// (runtime/event) and the body decoder (runtime/internal/bind) share, so
// that string literals, numbers and skipped values are read, validated and
// unescaped in one place:
//
//   - SkipPlain and SkipASCII scan the plain run of a string literal eight
//     bytes at a time; Hex4 decodes a \uXXXX escape's digits;
//   - ScanString validates a string literal and reports whether it needs
//     unescaping; Unescape unescapes a validated literal, in place or into
//     a buffer; UnquoteLenient is encoding/json's unquoting of a ",string"
//     value, which has not been validated;
//   - ScanNumber validates a number literal;
//   - Skip validates any value without keeping it; Valid checks a document;
//   - SkipSpace and Describe are the whitespace and the "found ..." of
//     error messages.
//
// Errors are *SyntaxError, with the offset of the offending byte and a
// message naming what was wrong. The package holds no unsafe code: its
// callers decide whether what they read stays a view of their buffer.
package jsonlex
