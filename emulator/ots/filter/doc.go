// Package filter evaluates Tablestore column conditions (Condition.column_condition
// of PutRow, UpdateRow, DeleteRow and BatchWriteRow) and read filters (the filter
// field of GetRow, BatchGetRow and GetRange).
//
// Both arrive as a serialized otsprotocol.Filter: a type and the serialized
// filter of that type. Parse decodes and validates one; Match, Paginate and
// Columns apply it to a row's attribute cells.
//
// # Single column conditions
//
// A SingleColumnValueFilter compares one column with a constant using = != > >=
// < or <=. Values compare as plainbuf.Compare orders them: integers and doubles
// numerically, strings and binaries bytewise, false before true.
//
//   - Type mismatch: when the column's value and the constant have different
//     types, the comparison does not pass, whatever the comparator (!= too).
//   - filter_if_missing: a row without the column passes when it is false and
//     fails when it is true.
//   - latest_version_only: when true only the newest version (largest
//     timestamp) is compared; when false the condition passes if any version
//     passes.
//   - value_trans_rule: the regular expression (Go regexp syntax) is applied to
//     a STRING value. The first capture group, or the whole match when the
//     expression has no group, is cast to cast_type (VT_INTEGER, VT_DOUBLE or
//     VT_STRING) and then compared. A non-STRING value, no match, or a failed
//     cast means the version does not pass. VT_NULL and VT_BLOB are rejected by
//     Parse, as the SDKs never send them.
//
// # Composite conditions
//
// A CompositeColumnValueFilter combines sub-filters with NOT, AND or OR. As the
// Tablestore SDK documentation states (the Go SDK itself does not check), NOT
// takes exactly one sub-filter and AND and OR at least two; Parse rejects other
// counts. Sub-filters must be single or composite conditions. A filter holds at
// most MaxConditions single conditions in total and nests at most MaxDepth
// levels; the second limit is this package's own guard.
//
// # Column pagination
//
// A ColumnPaginationFilter (offset, limit) keeps the columns at positions
// [offset, offset+limit) of a row, counted by distinct column name. It is only
// valid as a whole filter. Match always passes it and Paginate applies it.
// Negative offsets and limits are rejected.
//
// # Use in a server
//
// Parse errors all start with "filter: " and describe a bad request, which the
// service reports as OTSParameterInvalid. A write's column condition should
// not be a column pagination filter (see Filter.IsPagination). A read applies
// Match to the row's cells, then Paginate to the cells it returns.
//
// The Tablestore documentation says a read filter sees only the columns the
// read returns: a column left out of columns_to_get counts as missing. A
// server that follows it passes Match just those cells; Columns names the
// columns the conditions refer to, for servers that need to know them.
package filter
