package tagexpr_test

import (
	"fmt"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

func Example() {
	e, err := tagexpr.Parse(" created || order paid ")
	if err != nil {
		panic(err)
	}
	fmt.Println(e, e.Tags(), e.MatchesAll())
	fmt.Println(e.Match("created"), e.Match("order paid"), e.Match("Created"), e.Match(""))

	all, _ := tagexpr.Parse("*")
	fmt.Println(all, all.Match(""), all.Match("anything"))

	_, err = tagexpr.Parse("created||*")
	fmt.Println(err)
	// Output:
	// created||order paid [created order paid] false
	// true true false false
	// * true true
	// tag expression "created||*": "*" matches every tag on its own only: write "*" alone, or name the tags
}
