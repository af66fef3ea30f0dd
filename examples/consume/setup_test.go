package main

import (
	"regexp"
	"strings"
	"testing"

	mq "github.com/aliyunmq/mq-http-go-sdk"
)

// publish publishes reqs to topic with the SDK.
func publish(t *testing.T, client mq.MQClient, topic string, reqs ...mq.PublishMessageRequest) {
	t.Helper()
	p := client.GetProducer("", topic)
	for _, req := range reqs {
		if _, err := p.PublishMessage(req); err != nil {
			t.Fatalf("publish to %s: %v", topic, err)
		}
	}
}

// printed is one message as the example printed it.
type printed struct {
	id, tag, keys, shardingKey, consumedTimes, properties, body string
}

var messageLine = regexp.MustCompile(`^message (\S+) tag="(.*)" keys="(.*)" shardingKey="(.*)" consumedTimes=(\d+) published=\S+ properties=(map\[.*\]) body=(.*)$`)

// messages parses the message lines of the example's output, in order.
func messages(t *testing.T, out string) []printed {
	t.Helper()
	var ms []printed
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "message ") {
			continue
		}
		f := messageLine.FindStringSubmatch(line)
		if f == nil {
			t.Fatalf("unexpected message line %q", line)
		}
		ms = append(ms, printed{f[1], f[2], f[3], f[4], f[5], f[6], f[7]})
	}
	return ms
}
