// Package rowtype maps Go struct types to Tablestore rows through their
// `tablestore` struct tags: which fields are primary-key columns (option
// pk, in field order, autoincrement for a generated one), which are
// attribute columns (omitempty removes the column for a zero value), and
// how a field takes the SDK's values (int64, string, []byte, bool,
// float64).
//
// It is the one mapping of package store, which writes and reads rows,
// and package rowchange, which decodes the row changes of a Tablestore
// trigger into the same types. It imports neither the Tablestore SDK nor
// package fn.
package rowtype
