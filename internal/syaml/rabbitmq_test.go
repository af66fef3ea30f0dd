package syaml

import (
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// amqpSource is an eventSourceConfig block with a RabbitMQ source, lines
// 14-21 in ebDoc.
const amqpSource = `            eventSourceConfig:
              eventSourceType: RabbitMQ
              eventSourceParameters:
                sourceRabbitMQParameters:
                  InstanceId: amqp-cn-1
                  VirtualHostName: orders-vhost
                  QueueName: orders
                  RegionId: cn-shanghai
`

func TestRabbitMQTrigger(t *testing.T) {
	doc := ebDoc(amqpSource + `            runOptions:
              mode: event-streaming
              errorsTolerance: ALL
              retryStrategy:
                PushRetryStrategy: EXPONENTIAL_DECAY_RETRY
              batchWindow:
                CountBasedWindow: 10
                TimeBasedWindow: 2
`)
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	tr := p.Functions[0].Triggers[0]
	if tr.SourceType != "RabbitMQ" || !tr.IsRabbitMQ() || tr.Queue != "orders" || tr.VirtualHost != "orders-vhost" ||
		tr.Instance != "amqp-cn-1" || tr.RegionID != "cn-shanghai" || tr.Topic != "" {
		t.Errorf("source: %+v", tr.Trigger)
	}
	if tr.Mode != ModeEventStreaming || tr.BatchCount != 10 || tr.BatchWindow.Seconds() != 2 ||
		tr.RetryPolicy != ebtrigger.RetryExponential || tr.ErrorsTolerance != TolerateAll || tr.Offset != "" {
		t.Errorf("run options: %+v", tr.Trigger)
	}
	if got := tr.LineOf("QueueName"); got != 20 {
		t.Errorf("QueueName at line %d, want 20", got)
	}
	if err := tr.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	for _, w := range p.Warnings {
		t.Errorf("warning: %s", w)
	}
}

func TestRabbitMQTriggerDefaultRegion(t *testing.T) {
	doc := strings.Replace(ebDoc(strings.Replace(amqpSource, "                  RegionId: cn-shanghai\n", "", 1)),
		"      functionName: f\n", "      functionName: f\n      region: cn-beijing\n", 1)
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Functions[0].Triggers[0].RegionID; got != "cn-beijing" {
		t.Errorf("RegionID %q, want the function's region cn-beijing", got)
	}
}

func TestRabbitMQTriggerErrors(t *testing.T) {
	const path = "resources.f.props.triggers[0].triggerConfig.eventSourceConfig"
	tests := []struct {
		name, config, want string
	}{
		{"missing parameters", "            eventSourceConfig:\n              eventSourceType: RabbitMQ\n",
			"s.yaml:14: " + path + ": missing eventSourceParameters.sourceRabbitMQParameters"},
		{"missing queue", strings.Replace(amqpSource, "                  QueueName: orders\n", "", 1),
			"s.yaml:17: " + path + ".eventSourceParameters.sourceRabbitMQParameters: missing QueueName"},
		{"missing vhost", strings.Replace(amqpSource, "                  VirtualHostName: orders-vhost\n", "", 1),
			`s.yaml:17: ` + path + `.eventSourceParameters.sourceRabbitMQParameters: missing VirtualHostName`},
		{"queue type", strings.Replace(amqpSource, "QueueName: orders", "QueueName: [a]", 1),
			"s.yaml:20: " + path + ".eventSourceParameters.sourceRabbitMQParameters.QueueName: must be a string, got sequence"},
		{"parameters type", "            eventSourceConfig:\n              eventSourceType: RabbitMQ\n              eventSourceParameters:\n                sourceRabbitMQParameters: orders\n",
			`s.yaml:17: ` + path + `.eventSourceParameters.sourceRabbitMQParameters: must be a mapping, got string "orders"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(ebDoc(tt.config)), "")
			if err == nil || err.Error() != tt.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}

func TestRabbitMQTriggerWarnings(t *testing.T) {
	doc := ebDoc(strings.Replace(amqpSource, "                  InstanceId: amqp-cn-1\n", "                  Queue: orders\n", 1))
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, w.String())
	}
	const params = "resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRabbitMQParameters"
	want := []string{
		"18: " + params + ".Queue: unknown key (known: InstanceId, QueueName, RegionId, VirtualHostName)",
		"17: " + params + ": missing InstanceId",
	}
	if all := strings.Join(got, "\n"); !strings.Contains(all, want[0]) || !strings.Contains(all, want[1]) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
