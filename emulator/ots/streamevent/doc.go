// Package streamevent builds the event Function Compute's Tablestore
// trigger delivers, from a table's stream records, and reads a table's
// stream in batches for a consumer that invokes functions with it.
//
// # The payload
//
// The trigger encodes a batch of stream records in CBOR (RFC 8949) as
//
//	{"Version": "Sync-v1",
//	 "Records": [{"Type": "PutRow" | "UpdateRow" | "DeleteRow",
//	              "Info": {"Timestamp": int64},
//	              "PrimaryKey": [{"ColumnName": string, "Value": value}],
//	              "Columns": [{"Type": "Put" | "DeleteOneVersion" | "DeleteAllVersions",
//	                           "ColumnName": string, "Value": value,
//	                           "Timestamp": int64}]}]}
//
// as documented by Alibaba Cloud: "Tablestore triggers" in the Function
// Compute guide (help/en/functioncompute/fc/tablestore-triggers, "Step 3")
// and "Use Function Compute" in the Tablestore guide, whose sample event
// testdata/sync-v1.json reproduces (TestDocumentedExample writes it
// through the local Tablestore and reads it back from its stream). From
// that sample and the definitions there:
//   - Info.Timestamp is the record's time in the stream, in microseconds
//     since the Unix epoch (the sample's 1506416585740836), the
//     Timestamp of the SDKs' RecordSequenceInfo;
//   - a column's Timestamp is its cell version, in milliseconds (the
//     sample's 1506416585741);
//   - values are CBOR's own types: Integer an integer, String a text
//     string, Binary (Blob) a byte string, Boolean a boolean, Double a
//     64-bit float.
//
// Choices where the documents say nothing:
//   - map keys are written in the documented order, Version then
//     Records, Type, Info, PrimaryKey, Columns, and in a column Type,
//     ColumnName, Value, Timestamp;
//   - PrimaryKey and Columns are always present, Columns an empty array
//     for a DeleteRow (the documented handler indexes record["Columns"]);
//   - a DeleteOneVersion column has a Timestamp and no Value, a
//     DeleteAllVersions column neither;
//   - doubles are always 64-bit floats, never shortened.
//
// # Reading a stream
//
// A Reader reads a table's stream from a Checkpoint through any
// StreamClient (the SDK's client, against the service or the local
// Tablestore): Next returns a batch, its payload and the checkpoint after
// it, and returns the same records again until Commit advances past
// them, so an invocation that failed is retried with the same records, as
// the trigger retries a failed function until the records expire. A
// Checkpoint is a value a consumer can keep: the stream, its shard and
// the iterator of the next record.
package streamevent
