package store

import "strings"

// BookkeepingPrefix starts the name of every column the DB keeps in rows
// for idempotency: markers, the row version, journals (see Idempotency in
// the package doc). Reads through the DB never return them; tools that
// read rows with the SDK can leave them out with IsBookkeeping.
const BookkeepingPrefix = markerPrefix

// IsBookkeeping reports whether column is one of the DB's bookkeeping
// columns rather than one of the row's own.
func IsBookkeeping(column string) bool { return strings.HasPrefix(column, BookkeepingPrefix) }

// MarkerColumn is the marker column that a row carries once a write made
// under the idempotency key applied to it: key is the message ID for the
// writes of a handler (or the key of WithIdempotencyKey). It holds how
// many of the key's writes to the row applied, until the idempotency
// window passes.
func MarkerColumn(key string) string { return markerColumn(hashKey(key)) }
