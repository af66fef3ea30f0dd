package filter_test

import (
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots/filter"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

func Example() {
	// age >= 18 AND NOT (city = "Hangzhou"), as the SDK sends it.
	cond := tablestore.NewCompositeColumnCondition(tablestore.LO_AND)
	cond.AddFilter(tablestore.NewSingleColumnCondition("age", tablestore.CT_GREATER_EQUAL, int64(18)))
	not := tablestore.NewCompositeColumnCondition(tablestore.LO_NOT)
	not.AddFilter(tablestore.NewSingleColumnCondition("city", tablestore.CT_EQUAL, "Hangzhou"))
	cond.AddFilter(not)

	f, err := filter.Parse(cond.Serialize())
	if err != nil {
		fmt.Println(err)
		return
	}
	adult := []plainbuf.Cell{
		{Name: "age", Value: plainbuf.Int(30), HasValue: true},
		{Name: "city", Value: plainbuf.Str("Beijing"), HasValue: true},
	}
	child := []plainbuf.Cell{
		{Name: "age", Value: plainbuf.Int(9), HasValue: true},
	}
	fmt.Println(f.Columns())
	fmt.Println(f.Match(adult), f.Match(child))
	// Output:
	// [age city]
	// true false
}

func ExampleFilter_Paginate() {
	page := &tablestore.PaginationFilter{Offset: 1, Limit: 2}
	f, err := filter.Parse(page.Serialize())
	if err != nil {
		fmt.Println(err)
		return
	}
	cells := []plainbuf.Cell{
		{Name: "a", Value: plainbuf.Int(1), HasValue: true},
		{Name: "b", Value: plainbuf.Int(2), HasValue: true, Timestamp: 2},
		{Name: "b", Value: plainbuf.Int(3), HasValue: true, Timestamp: 1},
		{Name: "c", Value: plainbuf.Int(4), HasValue: true},
		{Name: "d", Value: plainbuf.Int(5), HasValue: true},
	}
	for _, c := range f.Paginate(cells) {
		fmt.Println(c.Name, c.Value)
	}
	// Output:
	// b 2
	// b 3
	// c 4
}
