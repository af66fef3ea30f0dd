package rowchange_test

import (
	"fmt"
	"os"

	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

// Decode the documented sample event and apply its change to a row type.
func Example() {
	payload, err := os.ReadFile("testdata/sync-v1.cbor")
	if err != nil {
		panic(err)
	}
	batch, err := rowchange.Decode(payload)
	if err != nil {
		panic(err)
	}
	type Row struct {
		Time  int64  `tablestore:"pk_0,pk"`
		Label string `tablestore:"pk_1,pk"`
		Attr0 string `tablestore:"attr_0"`
		Attr1 int64  `tablestore:"attr_1"`
	}
	for _, c := range batch.Changes {
		row, err := rowchange.RowOf[Row](&c)
		if err != nil {
			panic(err)
		}
		fmt.Println(c.Type, c.Time().UTC().Format("2006-01-02 15:04:05.000000"))
		fmt.Printf("%+v\n", row.Value)
	}
	// Output:
	// PutRow 2017-09-26 09:03:05.740836
	// {Time:1506416585881590900 Label:2017-09-26 17:03:05.8815909 +0800 CST Attr0:hello_table_store Attr1:1506416585881590900}
}
