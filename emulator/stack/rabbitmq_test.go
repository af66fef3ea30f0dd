package stack_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq/rabbitmqtest"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// The RabbitMQ trigger tests run testdata/rabbitmq.yaml: the stack starts
// a local rabbitmq-server and declares the triggers' queues, the
// functions are testdata/amqpfn (which records every payload), and the
// messages are published with the official amqp091-go client.

// amqpRecord is one invocation recorded by amqpfn.
type amqpRecord struct {
	RequestID string          `json:"requestId"`
	Payload   json.RawMessage `json:"payload"`
}

// startRabbitStack starts the stack of testdata/rabbitmq.yaml with only
// function running, and returns it with the directory of the records.
func startRabbitStack(t *testing.T, function string) (*stack.Stack, string) {
	t.Helper()
	if _, err := os.Stat("/usr/lib/rabbitmq/bin/rabbitmq-server"); err != nil {
		t.Skip("rabbitmq-server is not installed (.ci/setup installs it)")
	}
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("testdata", "rabbitmq.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := filepath.Abs(filepath.Join("testdata", "amqpfn"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.yaml")
	text := strings.NewReplacer("AMQPFN_DIR", code, "RECORDS_DIR", dir).Replace(string(b))
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	proj, err := syaml.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), rabbitmqtest.Timeout)
	defer cancel()
	s, err := stack.Start(ctx, stack.Config{Project: proj, DataDir: filepath.Join(dir, "data"), Functions: []string{function}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if s.RabbitMQ == nil || s.RabbitMQURL == "" {
		t.Fatal("no local RabbitMQ server started for the RabbitMQ triggers")
	}
	return s, dir
}

// amqpRecords reads what function has recorded so far.
func amqpRecords(t *testing.T, dir, function string) []amqpRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, function+".jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []amqpRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r amqpRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // a line being written
		}
		out = append(out, r)
	}
	return out
}

// amqpEvent is the part of a RabbitMQ CloudEvent the tests check.
type amqpEvent struct {
	ID   string `json:"id"`
	Data struct {
		Envelope struct {
			Redeliver bool `json:"redeliver"`
		} `json:"envelope"`
		Body  json.RawMessage `json:"body"`
		Props struct {
			MessageID string `json:"messageId"`
		} `json:"props"`
	} `json:"data"`
}

func decodeEvent(t *testing.T, raw []byte) amqpEvent {
	t.Helper()
	var ev amqpEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("event %s: %v", raw, err)
	}
	return ev
}

// memberNames are the member names of a JSON object, in order.
func memberNames(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s is not a JSON object", raw)
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

func TestRabbitMQTriggerInvokesFunction(t *testing.T) {
	s, dir := startRabbitStack(t, "orders")
	url := s.RabbitMQ.VHostURL("shop")
	rabbitmqtest.Publish(t, url, "orders", amqp.Publishing{
		ContentEncoding: "UTF-8", MessageId: "m-1", Body: []byte(`{"Hello":"RabbitMQ"}`),
	})
	var recs []amqpRecord
	testwait.Until(t, rabbitmqtest.Timeout, "the orders function invoked", func() bool {
		recs = amqpRecords(t, dir, "orders")
		return len(recs) > 0
	})
	raw := recs[0].Payload
	// The member order and names of the documented Function Compute
	// sample (emulator/rabbitmq/testdata/fc-trigger-sample.json).
	sample, err := os.ReadFile(filepath.Join("..", "rabbitmq", "testdata", "fc-trigger-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var samples []json.RawMessage
	if err := json.Unmarshal(sample, &samples); err != nil {
		t.Fatal(err)
	}
	if got, want := memberNames(t, raw), memberNames(t, samples[0]); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("event members %v, want the sample's %v", got, want)
	}
	var ev rabbitmq.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	const account = "1234567890123456"
	want := map[string]string{
		"source":             "RabbitMQ-orders-orders-rabbitmq",
		"aliyuneventbusname": "RabbitMQ-orders-orders-rabbitmq",
		"type":               "amqp:Queue:SendMessage",
		"specversion":        "1.0",
		"datacontenttype":    "application/json;charset=utf-8",
		"subject":            "acs:amqp:cn-hangzhou:" + account + ":/instances/amqp-cn-local/vhosts/shop/queues/orders",
		"aliyunaccountid":    account,
		"aliyunregionid":     "cn-hangzhou",
	}
	got := map[string]string{
		"source": ev.Source, "aliyuneventbusname": ev.AliyunEventBusName, "type": ev.Type, "specversion": ev.SpecVersion,
		"datacontenttype": ev.DataContentType, "subject": ev.Subject, "aliyunaccountid": ev.AliyunAccountID,
		"aliyunregionid": ev.AliyunRegionID,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if ev.ID == "" || ev.Time == "" {
		t.Errorf("id %q, time %q: want both set", ev.ID, ev.Time)
	}
	if string(ev.Data.Body) != `{"Hello":"RabbitMQ"}` {
		t.Errorf("data.body %s, want the JSON object as sent", ev.Data.Body)
	}
	if e := ev.Data.Envelope; e.Exchange != "" || e.RoutingKey != "orders" || e.Redeliver || e.DeliveryTag == 0 {
		t.Errorf("data.envelope %+v", e)
	}
	if p := ev.Data.Props; p.MessageID != "m-1" || p.ContentEncoding != "UTF-8" || p.DeliveryMode != 2 {
		t.Errorf("data.props %+v", p)
	}
	testwait.Until(t, rabbitmqtest.Timeout, "the message acknowledged", func() bool {
		st, _ := s.RabbitMQStats("orders-rabbitmq")
		return st.Acked == 1
	})
	if n := rabbitmqtest.Ready(t, url, "orders"); n != 0 {
		t.Errorf("%d messages ready in the queue after the invocation, want 0", n)
	}
}

func TestRabbitMQTriggerFailureRedelivers(t *testing.T) {
	s, dir := startRabbitStack(t, "orders")
	url := s.RabbitMQ.VHostURL("shop")
	rabbitmqtest.Publish(t, url, "orders", amqp.Publishing{MessageId: "m-fail", Body: []byte("fail-once")})
	var recs []amqpRecord
	testwait.Until(t, rabbitmqtest.Timeout, "the message delivered again after its failure", func() bool {
		recs = amqpRecords(t, dir, "orders")
		return len(recs) >= 2
	})
	first, second := decodeEvent(t, recs[0].Payload), decodeEvent(t, recs[1].Payload)
	if first.Data.Props.MessageID != "m-fail" || second.Data.Props.MessageID != "m-fail" {
		t.Fatalf("invocations of %q and %q, want m-fail twice", first.Data.Props.MessageID, second.Data.Props.MessageID)
	}
	if first.Data.Envelope.Redeliver || !second.Data.Envelope.Redeliver {
		t.Errorf("redeliver %v then %v: want the second delivery to come from the broker again (not acknowledged)",
			first.Data.Envelope.Redeliver, second.Data.Envelope.Redeliver)
	}
	if recs[0].RequestID == recs[1].RequestID {
		t.Errorf("both invocations have request ID %s", recs[0].RequestID)
	}
	var st stack.RabbitMQStats
	testwait.Until(t, rabbitmqtest.Timeout, "the retry acknowledged", func() bool {
		st, _ = s.RabbitMQStats("orders-rabbitmq")
		return st.Acked == 1
	})
	if st.Returned != 1 || st.Bridge.Failed != 1 || st.Bridge.Retried != 1 || st.Bridge.Delivered != 1 {
		t.Errorf("stats %+v: want one failure returned to the queue, then one delivery", st)
	}
	if n := len(amqpRecords(t, dir, "orders")); n != 2 {
		t.Errorf("%d invocations, want 2", n)
	}
}

func TestRabbitMQTriggerServerRestarts(t *testing.T) {
	s, dir := startRabbitStack(t, "stream")
	url := s.RabbitMQ.VHostURL("/")
	const perRound, rounds = 200, 3
	handled := func() map[string]int {
		ids := map[string]int{}
		for _, r := range amqpRecords(t, dir, "stream") {
			var evs []amqpEvent
			if err := json.Unmarshal(r.Payload, &evs); err != nil {
				t.Fatalf("payload %s is not an event-streaming batch: %v", r.Payload, err)
			}
			for _, ev := range evs {
				ids[ev.Data.Props.MessageID]++
			}
		}
		return ids
	}
	ctx := context.Background()
	for round := range rounds {
		msgs := make([]amqp.Publishing, perRound)
		for i := range msgs {
			n := round*perRound + i
			msgs[i] = amqp.Publishing{MessageId: fmt.Sprintf("m-%d", n), Body: fmt.Appendf(nil, `{"n":%d}`, n)}
		}
		rabbitmqtest.Publish(t, url, "stream", msgs...)
		// Restart while the trigger is part way through the round.
		testwait.Until(t, rabbitmqtest.Timeout, "the round under way", func() bool {
			return len(handled()) > round*perRound
		})
		t.Logf("restart %d with %d of %d messages handled", round+1, len(handled()), (round+1)*perRound)
		start := time.Now()
		if err := s.RabbitMQ.Restart(ctx); err != nil {
			t.Fatalf("restart %d: %v", round+1, err)
		}
		t.Logf("restart %d took %s", round+1, time.Since(start))
	}
	total := perRound * rounds
	testwait.Until(t, rabbitmqtest.Timeout, "every message handled", func() bool {
		return len(handled()) == total
	})
	var st stack.RabbitMQStats
	testwait.Until(t, rabbitmqtest.Timeout, "every message acknowledged", func() bool {
		st, _ = s.RabbitMQStats("stream-rabbitmq")
		return st.Acked >= int64(total)
	})
	if st.Acked != int64(total) {
		t.Errorf("%d acknowledgements for %d messages: a message acknowledged came again", st.Acked, total)
	}
	if n := rabbitmqtest.Ready(t, url, "stream"); n != 0 {
		t.Errorf("%d messages ready after all were acknowledged", n)
	}
	ids := handled()
	again := 0
	for n := range total {
		switch c := ids[fmt.Sprintf("m-%d", n)]; {
		case c == 0:
			t.Errorf("message m-%d lost", n)
		case c > 1:
			again++
		}
	}
	if st.Connects < rounds+1 {
		t.Errorf("%d connections, want at least %d (one per restart)", st.Connects, rounds+1)
	}
	t.Logf("%d messages, %d restarts, %d handled again after a restart (not acknowledged before it), stats %+v",
		total, rounds, again, st)
}

func TestRabbitMQURLRefused(t *testing.T) {
	proj, err := syaml.Parse([]byte("edition: 3.0.0\nname: x\nresources: {}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = stack.Start(context.Background(), stack.Config{Project: proj, RabbitMQURL: "http://guest:secret@host/"})
	if err == nil || !strings.Contains(err.Error(), "RabbitMQURL") || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v: want RabbitMQURL refused, without its password", err)
	}
	if got := stack.RedactURL("amqp://user:secret@mq.example:5673/prod"); got != "amqp://user:xxxxx@mq.example:5673/prod" {
		t.Errorf("RedactURL = %s", got)
	}
}
