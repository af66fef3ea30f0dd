// Package rowchange decodes the events of Function Compute's Tablestore
// trigger: the row changes of a table's stream, delivered to a function
// in batches. Package fn routes them to handlers (App.HandleRows); this
// package decodes the payload into Changes and a Change into a struct of
// package store's row types.
//
// # The payload
//
// The trigger sends a batch of stream records in CBOR (RFC 8949), not
// JSON, as the body of the invocation (POST /invoke on a custom runtime):
//
//	{"Version": "Sync-v1",
//	 "Records": [{"Type": "PutRow" | "UpdateRow" | "DeleteRow",
//	              "Info": {"Timestamp": int64},
//	              "PrimaryKey": [{"ColumnName": string, "Value": value}],
//	              "Columns": [{"Type": "Put" | "DeleteOneVersion" | "DeleteAllVersions",
//	                           "ColumnName": string, "Value": value,
//	                           "Timestamp": int64}]}]}
//
// as Alibaba Cloud documents it ("Tablestore triggers" in the Function
// Compute guide, and "Use Function Compute" in the Tablestore guide, whose
// sample event testdata/sync-v1.json holds and testdata/sync-v1.cbor
// encodes). Info.Timestamp is the record's time in the stream in
// microseconds since the Unix epoch (Change.Timestamp); a column's
// Timestamp is its cell version in milliseconds (Column.Timestamp).
// Values are CBOR's own types: an integer for INTEGER (int64), text for
// STRING (string), bytes for BINARY ([]byte), a boolean for BOOLEAN and a
// float for DOUBLE (float64).
//
// # Decoding
//
// Decode takes a payload apart into a Batch: the Changes in payload order
// and the records that did not decode. It is strict where a mistake would
// change what a handler sees, and names what is wrong in an *Error:
//
//   - bytes that are not CBOR, trailing bytes after the payload, an
//     integer beyond int64, a map with a key twice, a payload that is not
//     a map, a Version other than "Sync-v1" (or none) and Records missing
//     or not an array fail the payload as a whole (Error.Record is -1);
//   - within a record, an unknown record Type ("unknown record type
//     \"MergeRow\" (want PutRow, UpdateRow or DeleteRow)"), an unknown
//     column Type, a missing or empty ColumnName, a missing
//     Info.Timestamp, an empty or missing PrimaryKey, a primary-key value
//     other than an integer, text or bytes, a Put without a value or with
//     one Tablestore has no type for (null, an array, a map, a tag) fail
//     that record alone, with its position and the path of the member at
//     fault ("rowchange: record 2: Columns[1].Type: ...").
//
// What Decode tolerates: members it does not know (kept in Change.Record),
// a record whose Columns are missing or null (as a DeleteRow may come), a column without a
// Timestamp (Timestamp 0), a delete that carries a value (ignored). It
// never panics (FuzzDecode).
//
// Each Change has an ID, a hash of its record in the deterministic
// encoding of RFC 8949 section 4.2.1 (Change.Record), so the same record
// delivered again, as the trigger delivers the records of a failed
// invocation again until they expire, has the same ID. Package fn gives
// the ID to the message a change is handled as, so that package store's
// writes for it apply once however often it is delivered.
//
// # Typed rows
//
// Change.Decode and RowOf apply a change to a struct with package store's
// `tablestore` tags, the same mapping (one implementation) store writes
// and reads rows with: primary-key fields from the change's key, attribute
// fields from its Puts, zero values for what it deletes (see
// Change.Decode). Package store's bookkeeping columns (names starting with
// _rfn_) map to no field; Change.Bookkeeping tells an update of them
// alone, such as the expiry of idempotency markers, from a change of the
// row's own columns.
//
// # Telling the payload from JSON
//
// IsPayload looks at the first bytes only: a CBOR map starts with a byte
// from 0xa0 to 0xbf (major type 5), or with the self-described CBOR tag
// 0xd9 0xd9 0xf7 before it, and no JSON text does (those bytes cannot
// start UTF-8 text). Package fn checks it only in an App with a rows
// route, and before decoding JSON, so JSON payloads cost no more.
package rowchange
