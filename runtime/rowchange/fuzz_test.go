package rowchange_test

import (
	"os"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

// FuzzDecode: Decode never panics, and what it accepts holds only the
// types the package documents, decodes again from Change.Record to the
// same ID, and applies to a row type without a panic.
func FuzzDecode(f *testing.F) {
	if b, err := os.ReadFile("testdata/sync-v1.cbor"); err == nil {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte("\xa2gVersiongSync-v1gRecords\x80"))
	f.Add([]byte(`{"Version":"Sync-v1"}`))
	f.Fuzz(func(t *testing.T, p []byte) {
		b, err := rowchange.Decode(p)
		if err != nil {
			return
		}
		for i := range b.Changes {
			c := &b.Changes[i]
			if c.Type < rowchange.PutRow || c.Type > rowchange.DeleteRow || len(c.PrimaryKey) == 0 {
				t.Fatalf("change %+v", c)
			}
			for _, k := range c.PrimaryKey {
				switch k.Value.(type) {
				case int64, string, []byte:
				default:
					t.Fatalf("key value %T", k.Value)
				}
			}
			for _, col := range c.Columns {
				switch col.Value.(type) {
				case int64, float64, bool, string, []byte:
				case nil:
					if col.Op == rowchange.Put {
						t.Fatal("a Put without a value")
					}
				default:
					t.Fatalf("column value %T", col.Value)
				}
			}
			again, err := rowchange.DecodeRecord(c.Record)
			if err != nil || again.ID != c.ID {
				t.Fatalf("DecodeRecord(Record): %v, ID %s, want %s", err, again.ID, c.ID)
			}
			var r struct {
				ID   string `tablestore:"id,pk"`
				N    int64  `tablestore:"n"`
				S    string `tablestore:"s"`
				Blob []byte `tablestore:"b"`
			}
			_ = c.Decode(&r)
			_ = c.RowKey()
		}
	})
}
