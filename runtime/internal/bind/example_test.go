package bind_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rocketfn/rocketfn/runtime/internal/bind"
)

type Player struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Job  string `json:"job"`
	Hero string `json:"hero"`
	Age  int    `json:"age"`
}

func Example() {
	// Build the plan once, when the handler is registered.
	plan := bind.For[Player]()

	// Decode each message body with it.
	var p Player
	body := []byte(`{"id":"1001","name":"alice","job":"mage","hero":"Yasuo"}`)
	if err := plan.Decode(body, &p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", p)

	// Errors are encoding/json's.
	err := plan.Decode([]byte(`{"id":"1002","age":"old"}`), &p)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		fmt.Println(te.Field, te.Value, te.Type)
	}
	// Output:
	// {ID:1001 Name:alice Job:mage Hero:Yasuo Age:0}
	// age string int
}
