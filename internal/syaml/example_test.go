package syaml_test

import (
	"fmt"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

func ExampleParse() {
	const sYAML = `edition: 3.0.0
name: shop
vars:
  region: cn-hangzhou
resources:
  orders:
    component: fc3
    props:
      region: ${vars.region}
      functionName: orders
      runtime: custom.debian10
      code: ./target
      timeout: 60
      customRuntimeConfig:
        command: [/code/orders]
      triggers:
        - triggerName: orders-mq
          triggerType: eventbridge
          triggerConfig:
            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters:
                  InstanceId: rmq-cn-demo
                  Topic: orders
                  Tag: created||paid
                  GroupID: GID_orders
            runOptions:
              mode: event-streaming
              batchWindow:
                CountBasedWindow: 10
                TimeBasedWindow: 3
`
	p, err := syaml.Parse([]byte(sYAML), "/srv/shop")
	if err != nil {
		fmt.Println(err)
		return
	}
	f := p.Functions[0]
	fmt.Println(f.Name, f.Region, f.Runtime, f.CodeDir, f.Command, f.Port, f.Timeout)
	t := f.Triggers[0]
	fmt.Println(t.Name, "line", t.Line, t.Topic, t.Tags, t.Group, t.Offset)
	fmt.Println(t.Mode, t.Schema, t.BatchCount, t.BatchWindow, string(t.Pattern))
	fmt.Println(t.RetryPolicy, t.Retries(), "retries,", t.ErrorsTolerance)

	_, err = syaml.Parse([]byte("edition: 3.0.0\nresources:\n  f:\n    component: fc3\n    props:\n      functionName: f\n      runtime: custom\n      timeout: \"60\"\n"), "")
	fmt.Println(err)
	// Output:
	// orders cn-hangzhou custom.debian10 /srv/shop/target [/code/orders] 9000 1m0s
	// orders-mq line 17 orders [created paid] GID_orders CONSUME_FROM_LAST_OFFSET
	// event-streaming CloudEvents 10 3s {}
	// BACKOFF_RETRY 3 retries, NONE
	// s.yaml:8: resources.f.props.timeout: must be a number, got string "60"
}
