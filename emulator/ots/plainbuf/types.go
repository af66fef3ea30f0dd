package plainbuf

// Type is a value's type byte on the wire (VT_* in the protocol).
type Type byte

// Value types. InfMin, InfMax and AutoIncrement carry no payload and appear
// only in primary-key cells.
const (
	Integer       Type = 0x0
	Double        Type = 0x1
	Boolean       Type = 0x2
	String        Type = 0x3
	Binary        Type = 0x7
	InfMin        Type = 0x9
	InfMax        Type = 0xa
	AutoIncrement Type = 0xb
)

// Value is one typed value. Only the field for its Type is meaningful:
// Int for Integer, Float for Double, Bool for Boolean, Bytes for String and
// Binary.
type Value struct {
	Type  Type
	Int   int64
	Float float64
	Bool  bool
	Bytes []byte
}

// Op is a cell's operation in an UpdateRow change. OpPut has no op byte on
// the wire.
type Op byte

// Cell operations.
const (
	OpPut       Op = 0x0
	OpDeleteAll Op = 0x1 // DELETE_ALL_VERSION: remove the column
	OpDeleteOne Op = 0x3 // DELETE_ONE_VERSION: remove the version at Timestamp
	OpIncrement Op = 0x4 // INCREMENT: add Value.Int to the column
)

// Cell is one primary-key or attribute cell. Primary-key cells have a Name
// and a Value only.
type Cell struct {
	Name         string
	Value        Value
	HasValue     bool
	Op           Op
	Timestamp    int64 // milliseconds since the Unix epoch
	HasTimestamp bool
}

// Row is one row of a plain buffer: its primary key, its attribute cells in
// wire order, whether it carries the delete-row marker and, for a stream
// record, its sequence info (the row extension).
type Row struct {
	PrimaryKey []Cell
	Cells      []Cell
	Deleted    bool
	Sequence   *Sequence
}

// Sequence is the sequence info of a stream record, carried in the row
// extension (TAG_EXTENSION, TAG_SEQ_INFO): the epoch, the record's time
// in microseconds and its index among records of the same time.
type Sequence struct {
	Epoch     uint32
	Timestamp int64
	RowIndex  uint32
}
