package plainbuf

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestSequenceRoundTrip checks the extension's bytes and that Decode gives
// the sequence info back; the row checksum does not cover it.
func TestSequenceRoundTrip(t *testing.T) {
	row := Row{PrimaryKey: []Cell{{Name: "pk", Value: Str("a"), HasValue: true}}, Deleted: true}
	plain := Append(nil, row)
	row.Sequence = &Sequence{Epoch: 2, Timestamp: 1506416585740836, RowIndex: 7}
	b := Append(nil, row)
	if len(b) != len(plain)+1+4+extensionLen {
		t.Fatalf("%d bytes, want %d", len(b), len(plain)+1+4+extensionLen)
	}
	ext := b[len(plain)-2 : len(b)-2]
	want := []byte{tagExtension, 24, 0, 0, 0, tagSeqInfo, 19, 0, 0, 0, tagSeqEpoch, 2, 0, 0, 0, tagSeqTime}
	want = binary.LittleEndian.AppendUint64(want, 1506416585740836)
	want = append(want, tagSeqIndex, 7, 0, 0, 0)
	if !bytes.Equal(ext, want) {
		t.Fatalf("extension % x, want % x", ext, want)
	}
	if b[len(b)-1] != plain[len(plain)-1] {
		t.Fatalf("row checksum %#x, want %#x as without the extension", b[len(b)-1], plain[len(plain)-1])
	}
	rows, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0].Sequence; got == nil || *got != *row.Sequence {
		t.Fatalf("sequence %+v, want %+v", got, row.Sequence)
	}
}
