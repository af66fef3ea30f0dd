package pattern_test

import (
	"fmt"

	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// orders selects order messages tagged created or updated.
var orders = pattern.MustCompile(`{
	"type": ["mq:Topic:SendMessage"],
	"data": {
		"topic": ["orders"],
		"systemProperties": {"TAGS": ["created", "updated"]}
	}
}`)

func Example() {
	event := []byte(`{
		"type": "mq:Topic:SendMessage",
		"source": "RocketMQ-orders-trigger",
		"data": {
			"topic": "orders",
			"systemProperties": {"TAGS": "paid", "KEYS": "order-1001"},
			"body": "{\"id\":1001}"
		}
	}`)
	d, err := pattern.JSON(event)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(orders.Match(d))
	fmt.Println(orders.Explain(d))
	// Output:
	// false
	// data.systemProperties.TAGS: "paid" is not one of ["created","updated"]
}

func ExampleCompile() {
	_, err := pattern.Compile([]byte(`{"data":{"userProperties":{"tenant":[{"regex":"^t"}]}}}`))
	fmt.Println(err)
	// Output:
	// pattern: data.userProperties.tenant: unknown operator "regex"
}

func ExamplePattern_Match() {
	p := pattern.MustCompile(`{
		"subject": [{"prefix": "acs:mq:cn-hangzhou:"}],
		"data": {
			"systemProperties": {"KEYS": [{"prefix": "order-"}]},
			"userProperties": {"tenant": [{"anything-but": ["test"]}]}
		}
	}`)
	event := map[string]any{
		"subject": "acs:mq:cn-hangzhou:1649:MQ_INST_1649%orders",
		"data": map[string]any{
			"systemProperties": map[string]any{"KEYS": "order-1001"},
			"userProperties":   map[string]any{"tenant": "acme"},
		},
	}
	fmt.Println(p.Match(pattern.Map(event)))
	event["data"].(map[string]any)["userProperties"] = map[string]any{"tenant": "test"}
	fmt.Println(p.Match(pattern.Map(event)))
	// Output:
	// true
	// false
}

func ExamplePattern_String() {
	p := pattern.MustCompile(`{"data": {"size": [{"numeric": [">=", 1e3]}]}, "source": ["acs.oss"]}`)
	fmt.Println(p)
	fmt.Println(p.Paths())
	// Output:
	// {"data":{"size":[{"numeric":[">=",1000]}]},"source":["acs.oss"]}
	// [[data size] [source]]
}
