package event_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// withProps decodes a RawData message whose systemProperties are props, in
// the order given.
func withProps(t *testing.T, props ...[2]string) *event.Message {
	t.Helper()
	var b strings.Builder
	for i, p := range props {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%q", p[0], p[1])
	}
	return decodeOne(t, `{"topic":"t","systemProperties":{`+b.String()+`},"body":""}`)
}

// TestPropertySpellings reads every accessor from each spelling of its
// property.
func TestPropertySpellings(t *testing.T) {
	const ms = "1713756930836"
	at := time.UnixMilli(1713756930836)
	tests := []struct {
		accessor string
		names    []string
		value    string
		get      func(m *event.Message) string
		want     string
	}{
		{"ID", []string{"UNIQ_KEY", "MESSAGE_ID", "__MSGID"}, "M1",
			func(m *event.Message) string { return m.ID }, "M1"},
		{"Tag", []string{"TAGS", "__TAG", "TAG"}, "paid",
			func(m *event.Message) string { return m.Tag }, "paid"},
		{"Keys", []string{"KEYS", "__KEY"}, "k1 k2",
			func(m *event.Message) string { return strings.Join(m.Keys, ",") }, "k1,k2"},
		{"ShardingKey", []string{"__SHARDINGKEY", "SHARDING_KEY"}, "user-9",
			func(m *event.Message) string { return m.ShardingKey }, "user-9"},
		{"QueueOffset", []string{"__CONSUMEOFFSET", "QUEUE_OFFSET"}, "17",
			func(m *event.Message) string { n, ok := m.QueueOffset(); return fmt.Sprint(n, ok) }, "17 true"},
		{"ReconsumeTimes", []string{"RECONSUME_TIME", "RECONSUME_TIMES", "__RECONSUMETIMES"}, "2",
			func(m *event.Message) string { return fmt.Sprint(m.ReconsumeTimes()) }, "2"},
		{"BornTime", []string{"BORN_TIMESTAMP", "__BORNTIMESTAMP"}, ms,
			func(m *event.Message) string { return m.BornTime().String() }, at.String()},
		{"BornHost", []string{"__BORNHOST", "BORN_HOST"}, "10.0.0.7:52846",
			func(m *event.Message) string { return m.BornHost() }, "10.0.0.7:52846"},
		{"DeliverTime", []string{"__STARTDELIVERTIME", "TIMER_DELIVER_MS"}, ms,
			func(m *event.Message) string { return m.DeliverTime().String() }, at.String()},
		{"ConsumeStartTime", []string{"CONSUME_START_TIME"}, ms,
			func(m *event.Message) string { return m.ConsumeStartTime().String() }, at.String()},
		{"MinOffset", []string{"MIN_OFFSET"}, "3",
			func(m *event.Message) string { n, ok := m.MinOffset(); return fmt.Sprint(n, ok) }, "3 true"},
		{"MaxOffset", []string{"MAX_OFFSET"}, "8",
			func(m *event.Message) string { n, ok := m.MaxOffset(); return fmt.Sprint(n, ok) }, "8 true"},
		{"Region", []string{"MSG_REGION"}, "cn-shanghai",
			func(m *event.Message) string { return m.Region() }, "cn-shanghai"},
		{"InstanceID", []string{"INSTANCE_ID"}, "rmq-cn-x",
			func(m *event.Message) string { return m.InstanceID() }, "rmq-cn-x"},
	}
	for _, tt := range tests {
		for i, name := range tt.names {
			t.Run(tt.accessor+"/"+name, func(t *testing.T) {
				m := withProps(t, [2]string{name, tt.value})
				if got := tt.get(m); got != tt.want {
					t.Errorf("%s from %s = %q, want %q", tt.accessor, name, got, tt.want)
				}
			})
			if i == 0 {
				continue
			}
			// The first spelling wins over this one, in either order, and
			// an empty first spelling gives way to it.
			t.Run(tt.accessor+"/"+tt.names[0]+" before "+name, func(t *testing.T) {
				for _, props := range [][][2]string{
					{{name, "0"}, {tt.names[0], tt.value}},
					{{tt.names[0], tt.value}, {name, "0"}},
				} {
					if got := tt.get(withProps(t, props...)); got != tt.want {
						t.Errorf("%s from %v = %q, want %q (from %s)", tt.accessor, props, got, tt.want, tt.names[0])
					}
				}
				if got := tt.get(withProps(t, [2]string{tt.names[0], ""}, [2]string{name, tt.value})); got != tt.want {
					t.Errorf("%s with an empty %s and %s = %q, want %q", tt.accessor, tt.names[0], name, got, tt.want)
				}
			})
		}
	}
}

// TestMessageIDOrder checks the order in which the ID's sources are tried:
// UNIQ_KEY, the data's msgId, MESSAGE_ID, __MSGID, the CloudEvent id.
func TestMessageIDOrder(t *testing.T) {
	tests := []struct {
		payload, want string
	}{
		{`{"id":"ce","data":{"msgId":"data","systemProperties":{"__MSGID":"ons","MESSAGE_ID":"prop","UNIQ_KEY":"uniq"},"body":""}}`, "uniq"},
		{`{"id":"ce","data":{"msgId":"data","systemProperties":{"__MSGID":"ons","MESSAGE_ID":"prop"},"body":""}}`, "data"},
		{`{"id":"ce","data":{"systemProperties":{"__MSGID":"ons","MESSAGE_ID":"prop"},"body":""}}`, "prop"},
		{`{"id":"ce","data":{"systemProperties":{"__MSGID":"ons"},"body":""}}`, "ons"},
		{`{"id":"ce","data":{"systemProperties":{"UNIQ_KEY":""},"body":""}}`, "ce"},
	}
	for _, tt := range tests {
		if got := decodeOne(t, tt.payload).ID; got != tt.want {
			t.Errorf("ID of %s = %q, want %q", tt.payload, got, tt.want)
		}
	}
}
