package event_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// TestCustomBusAndTriggerEvents decodes the event of a custom bus's
// RocketMQ event source (source acs:mq, delivered by a rule whose target
// takes the complete event), for 4.x and 5.x instances, and the event of an
// FC RocketMQ trigger, and checks what a handler reads of each.
func TestCustomBusAndTriggerEvents(t *testing.T) {
	type want struct {
		id, topic, tag, keys, body, instance, region, source, bus string
		user                                                      map[string]string
		born, consumeStart, publish                               string
	}
	tests := []struct {
		file string
		want want
	}{
		{"eventbridge-custom-source.json", want{
			id: "AC14C305069E1B28CDFA3181CDA2****", topic: "TopicName", tag: "systemProperties.TAGS",
			keys: "systemProperties.KEYS", body: "TEST", instance: "MQ_INST_123456789098****_BXhFHryi",
			region: "cn-hangzhou", source: "acs:mq", bus: "BusName", user: map[string]string{},
			consumeStart: "2021-08-10T06:43:10.396Z", publish: "2021-04-08T06:01:20.725Z",
		}},
		{"constructed/eventbridge-custom-source-5x.json", want{
			id: "123F486466E118B4AAC26EA24F13****", topic: "topic", tag: "tagA", body: "TEST",
			instance: "rmq-cn-jte3w5i****", region: "cn-hangzhou", source: "acs:mq", bus: "BusName",
			user: map[string]string{"demoPropertyKey": "demoPropertyValue"},
			born: "2024-04-22T03:35:30.836Z", publish: "2024-04-22T03:35:30.912Z",
		}},
		{"fc-trigger-single.json", want{
			id: "94ebc15f-f0db-4bbe-acce-56fb72fb****", topic: "TopicName", tag: "systemProperties.TAGS",
			keys: "systemProperties.KEYS", body: "TEST", instance: "MQ_INST_164901546557****_BXhFHryi",
			region: "cn-hangzhou", source: "RocketMQ-Function-rocketmq-trigger", bus: "RocketMQ-Function-rocketmq-trigger",
			user: map[string]string{}, consumeStart: "2021-08-10T06:43:10.396Z", publish: "2021-10-15T02:05:16.791Z",
		}},
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			payload, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := event.Decode(payload)
			if err != nil {
				t.Fatal(err)
			}
			if p.Batch || len(p.Messages) != 1 {
				t.Fatalf("Batch %v, %d messages; want one event", p.Batch, len(p.Messages))
			}
			m := &p.Messages[0]
			got := want{
				id: m.ID, topic: m.Topic, tag: m.Tag, keys: strings.Join(m.Keys, " "), body: m.Text(),
				instance: m.InstanceID(), region: m.Region(), source: m.Event.Source, bus: m.Event.EventBusName,
				user: m.UserProperties.Map(), born: stamp(m.BornTime()), consumeStart: stamp(m.ConsumeStartTime()),
				publish: stamp(m.PublishTime()),
			}
			if got.topic != tt.want.topic || got.id != tt.want.id || got.tag != tt.want.tag || got.keys != tt.want.keys ||
				got.body != tt.want.body || got.instance != tt.want.instance || got.region != tt.want.region ||
				got.source != tt.want.source || got.bus != tt.want.bus || got.born != tt.want.born ||
				got.consumeStart != tt.want.consumeStart || got.publish != tt.want.publish ||
				len(got.user) != len(tt.want.user) {
				t.Errorf("decoded\n %+v\nwant\n %+v", got, tt.want)
			}
			for k, v := range tt.want.user {
				if got.user[k] != v {
					t.Errorf("userProperties[%q] = %q, want %q", k, got.user[k], v)
				}
			}
			if m.Event.Type != event.TypeSendMessage {
				t.Errorf("type = %q", m.Event.Type)
			}
		})
	}
}
