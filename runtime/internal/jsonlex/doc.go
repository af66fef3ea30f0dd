// Package jsonstr holds the low-level pieces of reading JSON string
// literals that the payload decoder (runtime/event) and the body binder
// (runtime/internal/bind) share: eight-bytes-at-a-time scanning for the
// bytes that end a plain run, and \uXXXX hex decoding.
package jsonstr
