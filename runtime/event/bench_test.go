package event_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// benchEvent is a compact single event as FC delivers it, with a JSON body.
const benchEvent = `{"id":"7adc3f0b-ee4c-4ab4-a98a-b0f5c41f4eec","source":"acs:mq","specversion":"1.0","type":"mq:Topic:SendMessage","datacontenttype":"application/json; charset=utf-8","subject":"acs:mq:cn-hangzhou:1234567890981234:MQ_INST_1234567890981234_BXhFHryi%25TopicName","time":"2021-04-08T06:01:20.766Z","aliyunaccountid":"1234567890981234","aliyunpublishtime":"2021-04-08T06:01:20.880Z","aliyuneventbusname":"default","aliyunregionid":"cn-hangzhou","aliyunpublishaddr":"172.25.1.1","data":{"topic":"TopicName","systemProperties":{"MIN_OFFSET":"0","TRACE_ON":"true","MAX_OFFSET":"8","MSG_REGION":"cn-hangzhou","KEYS":"order-1001","CONSUME_START_TIME":1628577790396,"TAGS":"TagA","INSTANCE_ID":"MQ_INST_1234567890981234_BXhFHryi","UNIQ_KEY":"AC1900010F2B18B4AAC2804D2C850001"},"userProperties":{"a":"1"},"body":"{\"id\":\"1001\",\"name\":\"alice\",\"job\":\"mage\",\"hero\":\"Yasuo\"}"}}`

func benchBatch(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strings.Replace(benchEvent, "order-1001", fmt.Sprintf("order-%d", 1001+i), 1))
	}
	b.WriteByte(']')
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	players, err := os.ReadFile("testdata/players-batch.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name    string
		payload []byte
		n       int
	}{
		{"single", []byte(benchEvent), 1},
		{"batch100", benchBatch(100), 100},
		{"players-pretty", players, 3},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.payload)))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				p, err := event.Decode(bc.payload)
				if err != nil || len(p.Messages) != bc.n {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bc.n), "ns/msg")
			reportCPU(b, cpu)
		})
	}
}
