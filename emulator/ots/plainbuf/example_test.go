package plainbuf_test

import (
	"fmt"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

func Example() {
	row := plainbuf.Row{
		PrimaryKey: []plainbuf.Cell{
			{Name: "id", Value: plainbuf.Str("user-1"), HasValue: true},
		},
		Cells: []plainbuf.Cell{
			{Name: "age", Value: plainbuf.Int(42), HasValue: true, Timestamp: 1700000000000, HasTimestamp: true},
			{Name: "visits", Value: plainbuf.Int(1), HasValue: true, Op: plainbuf.OpIncrement},
			{Name: "nickname", Op: plainbuf.OpDeleteAll},
		},
	}
	b := plainbuf.Append(nil, row)
	fmt.Printf("%d bytes, header % x\n", len(b), b[:4])

	got, err := plainbuf.DecodeRow(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range got.PrimaryKey {
		fmt.Printf("key %s = %v\n", c.Name, c.Value)
	}
	for _, c := range got.Cells {
		fmt.Printf("cell %s: op %d", c.Name, c.Op)
		if c.HasValue {
			fmt.Printf(", %s %v", c.Value.Type, c.Value)
		}
		if c.HasTimestamp {
			fmt.Printf(", timestamp %d", c.Timestamp)
		}
		fmt.Println()
	}

	b[len(b)-1] ^= 0xff // corrupt the row checksum
	_, err = plainbuf.DecodeRow(b)
	fmt.Println(err)
	// Output:
	// 116 bytes, header 75 00 00 00
	// key id = "user-1"
	// cell age: op 0, INTEGER 42, timestamp 1700000000000
	// cell visits: op 4, INTEGER 1
	// cell nickname: op 1
	// plain buffer: byte 115: row 0: checksum 0x98, computed 0x67
}
