package bench

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// singleEvent is a RocketMQ message as EventBridge delivers it to Function
// Compute in event-driven mode: one CloudEvent, 875 bytes.
const singleEvent = `{"id":"7adc3f0b-ee4c-4ab4-a98a-b0f5c41f4eec","source":"acs:mq","specversion":"1.0","type":"mq:Topic:SendMessage","datacontenttype":"application/json; charset=utf-8","subject":"acs:mq:cn-hangzhou:1234567890981234:MQ_INST_1234567890981234_BXhFHryi%25TopicName","time":"2021-04-08T06:01:20.766Z","aliyunaccountid":"1234567890981234","aliyunpublishtime":"2021-04-08T06:01:20.880Z","aliyuneventbusname":"default","aliyunregionid":"cn-hangzhou","aliyunpublishaddr":"172.25.1.1","data":{"topic":"TopicName","systemProperties":{"MIN_OFFSET":"0","TRACE_ON":"true","MAX_OFFSET":"8","MSG_REGION":"cn-hangzhou","KEYS":"order-1001","CONSUME_START_TIME":1628577790396,"TAGS":"TagA","INSTANCE_ID":"MQ_INST_1234567890981234_BXhFHryi","UNIQ_KEY":"AC1900010F2B18B4AAC2804D2C850001"},"userProperties":{"a":"1"},"body":"{\"id\":\"1001\",\"name\":\"alice\",\"job\":\"mage\",\"hero\":\"Yasuo\"}"}}`

// batchSize is the number of events in the batch payload.
const batchSize = 100

var (
	singlePayload = []byte(singleEvent)
	batchPayload  = makeBatch(batchSize)
)

// makeBatch returns an event-streaming payload: a JSON array of n copies of
// singleEvent, each with its own CloudEvent id, KEYS, UNIQ_KEY and body id
// and name.
func makeBatch(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		r := strings.NewReplacer(
			"7adc3f0b-ee4c-4ab4-a98a-b0f5c41f4eec", fmt.Sprintf("7adc3f0b-ee4c-4ab4-a98a-%012d", i),
			"order-1001", fmt.Sprintf("order-%d", 1001+i),
			"AC1900010F2B18B4AAC2804D2C850001", fmt.Sprintf("AC1900010F2B18B4AAC2804D2C85%04d", i),
			`\"id\":\"1001\",\"name\":\"alice\"`, fmt.Sprintf(`\"id\":\"%d\",\"name\":\"alice%d\"`, 1001+i, i),
		)
		b.WriteString(r.Replace(singleEvent))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// User is the message body the handler wants.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Job  string `json:"job"`
	Hero string `json:"hero"`
}

// The mirror of the CloudEvent envelope that the std, goccy and lambda paths
// decode into: every attribute, the data object with the known system
// properties as a struct, the user properties as a map and the body as the
// JSON string it is. Time attributes stay strings.
type (
	envelope struct {
		ID                 string `json:"id"`
		Source             string `json:"source"`
		SpecVersion        string `json:"specversion"`
		Type               string `json:"type"`
		DataContentType    string `json:"datacontenttype"`
		Subject            string `json:"subject"`
		Time               string `json:"time"`
		AliyunAccountID    string `json:"aliyunaccountid"`
		AliyunPublishTime  string `json:"aliyunpublishtime"`
		AliyunEventBusName string `json:"aliyuneventbusname"`
		AliyunRegionID     string `json:"aliyunregionid"`
		AliyunPublishAddr  string `json:"aliyunpublishaddr"`
		Data               mqData `json:"data"`
	}
	mqData struct {
		Topic            string            `json:"topic"`
		SystemProperties systemProperties  `json:"systemProperties"`
		UserProperties   map[string]string `json:"userProperties"`
		Body             string            `json:"body"`
	}
	systemProperties struct {
		MinOffset        string `json:"MIN_OFFSET"`
		TraceOn          string `json:"TRACE_ON"`
		MaxOffset        string `json:"MAX_OFFSET"`
		MsgRegion        string `json:"MSG_REGION"`
		Keys             string `json:"KEYS"`
		ConsumeStartTime int64  `json:"CONSUME_START_TIME"`
		Tags             string `json:"TAGS"`
		InstanceID       string `json:"INSTANCE_ID"`
		UniqKey          string `json:"UNIQ_KEY"`
	}
)

// sink keeps the handler's work observable.
var sink int

func handleUser(_ context.Context, u User) error {
	sink += len(u.ID) + len(u.Name) + len(u.Job) + len(u.Hero)
	return nil
}

// userHandler is the handler every path calls, through a func variable as
// a registered handler would be.
var userHandler = handleUser
