package event_test

import (
	"fmt"

	"github.com/rocketfn/rocketfn/runtime/event"
)

func ExampleDecode() {
	payload := []byte(`[{
		"id": "94ebc15f", "source": "acs:mq", "specversion": "1.0", "type": "mq:Topic:SendMessage",
		"subject": "acs:mq:cn-hangzhou:1234:MQ_INST_1234_x%orders",
		"aliyunpublishtime": "2021-10-15T02:05:16.791Z",
		"data": {
			"topic": "orders",
			"systemProperties": {"UNIQ_KEY": "AC14", "TAGS": "paid", "KEYS": "order-7 user-3", "CONSUME_START_TIME": 1628577790396},
			"userProperties": {"tenant": "acme"},
			"body": "{\"id\":\"order-7\",\"amount\":12}"
		}
	}]`)
	p, err := event.Decode(payload)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := p.Messages[0]
	fmt.Println(p.Batch, m.ID, m.Topic, m.Tag, m.Keys, m.UserProperties.Get("tenant"))
	fmt.Println(m.Region(), m.InstanceID(), m.PublishTime().UTC())

	var order struct {
		ID     string `json:"id"`
		Amount int    `json:"amount"`
	}
	if err := m.DecodeJSON(&order); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", order)
	// Output:
	// true AC14 orders paid [order-7 user-3] acme
	// cn-hangzhou MQ_INST_1234_x 2021-10-15 02:05:16.791 +0000 UTC
	// {ID:order-7 Amount:12}
}

func ExampleDecodeError() {
	_, err := event.Decode([]byte(`{"specversion":"1.0","data":{"topic":["orders"],"body":"x"}}`))
	fmt.Println(err)
	// Output:
	// decode payload: data.topic at byte 37: expected a string, found array
}

func ExampleParseTime() {
	t, err := event.ParseTime("2020-11-19T21:04:42.179PRC")
	fmt.Println(t.UTC(), err)
	// Output:
	// 2020-11-19 13:04:42.179 +0000 UTC <nil>
}
