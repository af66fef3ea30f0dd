package rocketmq_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// rawCall sends a request signed as the SDK signs it, and returns the
// status and the error code of the answer.
func rawCall(t *testing.T, srv *rocketmq.Server, method, uri, body string) (int, string) {
	t.Helper()
	return rawCallDigest(t, srv, method, uri, body, body)
}

// rawCallDigest sends body in a request signed with the Content-MD5 of
// digested.
func rawCallDigest(t *testing.T, srv *rocketmq.Server, method, uri, body, digested string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.Endpoint()+uri, strings.NewReader(body))
	sum := md5.Sum([]byte(digested))
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:]))))
	req.Header.Set("Content-Type", "text/xml;charset=utf-8")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("x-mq-version", "2015-06-06")
	cred := srv.Credentials()
	sts := method + "\n" + req.Header.Get("Content-MD5") + "\n" + req.Header.Get("Content-Type") + "\n" +
		req.Header.Get("Date") + "\nx-mq-version:2015-06-06\n" + uri
	req.Header.Set("Authorization", "MQ "+cred.AccessKeyID+":"+hmacSHA1(cred.AccessKeySecret, sts))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Code string `xml:"Code"`
	}
	xml.Unmarshal(b, &e)
	return resp.StatusCode, e.Code
}

func TestBadInput(t *testing.T) {
	srv, c := start(t, rocketmq.Config{})
	publish(t, c.GetProducer("", "t"), mq.PublishMessageRequest{MessageBody: "kept"})
	big := strings.Repeat("x", 4<<20+1)
	cases := []struct {
		name, method, uri, body string
		status                  int
		code                    string
	}{
		{"malformed XML", "POST", "/topics/t/messages", "<Message><MessageBody>", 400, rocketmq.CodeMalformedXML},
		{"bad property", "POST", "/topics/t/messages", "<Message><MessageBody>x</MessageBody><Properties>a:b:c|</Properties></Message>", 400, rocketmq.CodeInvalidArgument},
		{"body too large", "POST", "/topics/t/messages", "<Message><MessageBody>" + big + "</MessageBody></Message>", 400, rocketmq.CodeMessageBodyTooLarge},
		{"bad topic name", "POST", "/topics/a$b/messages", "<Message><MessageBody>x</MessageBody></Message>", 400, rocketmq.CodeInvalidArgument},
		{"numOfMessages 0", "GET", "/topics/t/messages?consumer=GID_a&numOfMessages=0", "", 400, rocketmq.CodeInvalidArgument},
		{"numOfMessages 17", "GET", "/topics/t/messages?consumer=GID_a&numOfMessages=17", "", 400, rocketmq.CodeInvalidArgument},
		{"waitseconds 31", "GET", "/topics/t/messages?consumer=GID_a&numOfMessages=1&waitseconds=31", "", 400, rocketmq.CodeInvalidArgument},
		{"no consumer", "GET", "/topics/t/messages?numOfMessages=1", "", 400, rocketmq.CodeInvalidArgument},
		{"no handles", "DELETE", "/topics/t/messages?consumer=GID_a", "<ReceiptHandles></ReceiptHandles>", 400, rocketmq.CodeMissingReceiptHandle},
		{"unknown path", "GET", "/queues/q", "", 404, rocketmq.CodeResourceNotFound},
		{"unknown trans", "GET", "/topics/t/messages?consumer=GID_a&trans=nope", "", 400, rocketmq.CodeInvalidArgument},
	}
	for _, tc := range cases {
		status, code := rawCall(t, srv, tc.method, tc.uri, tc.body)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, code, tc.status, tc.code)
		}
	}
	// Nothing accepted before was lost, and nothing bad was published.
	ms := consume(t, c.GetConsumer("", "t", "GID_check", ""), 16, 1, false)
	if got := fmt.Sprint(bodies(ms)); got != "[kept]" {
		t.Fatalf("topic holds %s, want [kept]", got)
	}
	if _, err := c.GetProducer("", "t").PublishMessage(mq.PublishMessageRequest{MessageBody: "x", Properties: map[string]string{"a": "b|c"}}); err == nil {
		t.Fatal("the SDK sent a property with '|'") // the SDK refuses it itself
	}
}

func TestStrictMode(t *testing.T) {
	srv, c := start(t, rocketmq.Config{Broker: broker.Config{Strict: true}})
	_, err := c.GetProducer("", "orders").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"})
	if err == nil || !strings.Contains(err.Error(), rocketmq.CodeTopicNotExist) {
		t.Fatalf("publish to an unknown topic in strict mode: %v", err)
	}
	if err := srv.Broker().CreateTopic("", "orders"); err != nil {
		t.Fatal(err)
	}
	publish(t, c.GetProducer("", "orders"), mq.PublishMessageRequest{MessageBody: "x"})
	_, err = call(func(rc chan mq.ConsumeMessageResponse, ec chan error) {
		c.GetConsumer("", "orders", "GID_new", "").ConsumeMessage(rc, ec, 1, 1)
	})
	if err == nil || !strings.Contains(err.Error(), rocketmq.CodeGroupNotExist) {
		t.Fatalf("consume as an unknown group in strict mode: %v", err)
	}
}

func TestDeadLetters(t *testing.T) {
	cfg, clock := withClock()
	cfg.Broker.MaxReconsumeTimes = 3
	srv, c := start(t, cfg)
	publish(t, c.GetProducer("", "t"), mq.PublishMessageRequest{MessageBody: "poison"})
	cons := c.GetConsumer("", "t", "GID_a", "")
	for i := 1; i <= 3; i++ {
		ms := consume(t, cons, 1, 1, false)
		if len(ms) != 1 || ms[0].ConsumedTimes != int64(i) {
			t.Fatalf("delivery %d = %+v", i, ms)
		}
		clock.Add(6 * time.Minute)
		srv.Broker().Tick()
	}
	if ms := consume(t, cons, 1, 0, false); len(ms) != 0 {
		t.Fatal("a message past its retries was delivered")
	}
	dl, err := srv.Broker().DeadLetters("", "t", "GID_a")
	if err != nil || len(dl) != 1 || string(dl[0].Body) != "poison" {
		t.Fatalf("dead letters = %+v, %v", dl, err)
	}
	if n, err := srv.Broker().Redrive(t.Context(), "", "t", "GID_a", nil); err != nil || n != 1 {
		t.Fatalf("Redrive = %d, %v", n, err)
	}
	if ms := consume(t, cons, 1, 1, false); len(ms) != 1 || ms[0].ConsumedTimes != 1 {
		t.Fatalf("after redrive: %+v", ms)
	}
}
