package remoting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

func TestDelayLevel(t *testing.T) {
	e := start(t, shortDelays())
	c := e.client(t)
	sent := time.Now()
	res := c.Send(t, "p", "delayed", wire.Message{Body: "later", DelayLevel: 3}) // 30 ms here
	e.consume(t, c, "c", "GID_delay", "delayed", "")
	m := c.Next(t, "message").Message
	if m.MsgID != res.MsgID || m.Body != "later" || m.Properties["DELAY"] != "3" {
		t.Fatalf("got %+v", m)
	}
	if waited := time.Since(sent); waited < 30*time.Millisecond {
		t.Fatalf("delivered after %s, before the level's 30 ms", waited)
	}
}

func TestDefaultDelayTable(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client(t)
	sent := time.Now()
	c.Send(t, "p", "delayed", wire.Message{Body: "later", DelayLevel: 3})
	r := broker.ConsumeRequest{Topic: "delayed", Group: "GID_x", Max: 1}
	if ds, err := e.b.Consume(context.Background(), r); err != nil || len(ds) != 0 {
		t.Fatalf("a level-3 message was deliverable at once: %v %v", ds, err)
	}
	r.Wait = 15 * time.Second
	ds, err := e.b.Consume(context.Background(), r)
	if err != nil || len(ds) != 1 {
		t.Fatalf("%v %v", ds, err)
	}
	if waited := time.Since(sent); waited < 10*time.Second {
		t.Fatalf("level 3 delivered after %s, want 10 s", waited)
	}
}

func TestTransactionCommitAndRollback(t *testing.T) {
	e := start(t)
	c := rmqclient.Start(t)
	for _, p := range []struct{ name, exec string }{{"commit", "commit"}, {"rollback", "rollback"}} {
		c.Must(t, wire.Request{Op: "txproducer", Name: p.name, NameServer: []string{e.nameServer}, Group: "GID_" + p.name, Exec: p.exec})
	}
	rep := c.Must(t, wire.Request{Op: "send", Name: "commit", Topic: "tx", Messages: []wire.Message{{Body: "committed"}}})
	if rep.State != "commit" {
		t.Fatalf("reply %+v", rep)
	}
	c.Must(t, wire.Request{Op: "send", Name: "rollback", Topic: "tx", Messages: []wire.Message{{Body: "rolled back"}}})
	e.consume(t, c, "c", "GID_txc", "tx", "")
	m := c.Next(t, "message").Message
	if m.Body != "committed" || m.MsgID != rep.Result.MsgID || m.Properties["TRAN_MSG"] != "true" || m.Properties["PGROUP"] != "GID_commit" {
		t.Fatalf("got %+v, sent %s", m, rep.Result.MsgID)
	}
	// END_TRANSACTION is oneway and a rollback delivers nothing: poll the
	// broker's counters for it.
	waitFor(t, func() bool { s := e.b.Stats(); return s.Committed == 1 && s.RolledBack == 1 })
	if stored(t, e.b, "", "tx") != 1 {
		t.Fatal("the rolled back message was stored")
	}
}

func TestTransactionCheckBack(t *testing.T) {
	for _, check := range []string{"commit", "rollback"} {
		t.Run(check, func(t *testing.T) {
			clock := &fakeClock{}
			e := start(t, withClock(clock))
			c := rmqclient.Start(t)
			c.Must(t, wire.Request{Op: "txproducer", Name: "tx", NameServer: []string{e.nameServer}, Group: "GID_tx", Exec: "unknown", Check: check})
			rep := c.Must(t, wire.Request{Op: "send", Name: "tx", Topic: "tx", Messages: []wire.Message{{Body: "checked"}}})
			if ev, ok := c.Poll(100 * time.Millisecond); ok {
				t.Fatalf("checked before the transaction timeout: %+v", ev)
			}
			clock.add(remoting.DefaultTransactionTimeout + time.Second)
			if ev := c.Next(t, "check"); ev.Message.MsgID != rep.Result.MsgID || ev.Message.Body != "checked" {
				t.Fatalf("checked %+v, sent %s", ev.Message, rep.Result.MsgID)
			}
			if check == "rollback" {
				waitFor(t, func() bool { return e.b.Stats().RolledBack == 1 })
				return
			}
			e.consume(t, c, "c", "GID_txc", "tx", "")
			if m := c.Next(t, "message").Message; m.MsgID != rep.Result.MsgID {
				t.Fatalf("got %s, sent %s", m.MsgID, rep.Result.MsgID)
			}
			if s := e.b.Stats(); s.Committed != 1 {
				t.Fatalf("stats %+v", s)
			}
		})
	}
}

func TestRetryAndDeadLetter(t *testing.T) {
	e := start(t, shortDelays())
	c := e.client(t)
	res := c.Send(t, "p", "work", wire.Message{Body: "fails", Tag: "job"})
	c.Must(t, wire.Request{Op: "consumer", Name: "c", NameServer: []string{e.nameServer}, Group: "GID_retry",
		Topic: "work", MaxReconsume: 2, Fail: true})
	var times []int
	for range 3 {
		m := c.Next(t, "message").Message
		if m.MsgID != res.MsgID || m.Topic != "work" || m.Tags != "job" {
			t.Fatalf("got %+v", m)
		}
		times = append(times, m.ReconsumeTimes)
	}
	if fmt.Sprint(times) != "[0 1 2]" {
		t.Fatalf("reconsume times %v", times)
	}
	// The third failure dead-letters it, under its ID: a long poll on the
	// %DLQ% topic wakes when it arrives.
	ds, err := e.b.Consume(context.Background(), broker.ConsumeRequest{Topic: "%DLQ%GID_retry", Group: "GID_dlq_check", Max: 2, Wait: 20 * time.Second})
	if err != nil || len(ds) != 1 || ds[0].ID != res.MsgID {
		t.Fatalf("dead letters %+v, %v", ds, err)
	}
	qs, _ := e.b.Queues("", "%DLQ%GID_retry")
	for _, q := range qs {
		if q.Max == 0 {
			continue
		}
		pr, err := e.b.Pull(context.Background(), broker.PullRequest{Topic: "%DLQ%GID_retry", Queue: q.ID, Offset: q.Min, Max: 1})
		if err != nil || len(pr.Messages) != 1 {
			t.Fatal(pr, err)
		}
		if m := pr.Messages[0]; m.ID != res.MsgID || m.Properties["RETRY_TOPIC"] != "work" || m.Properties["ORIGIN_MESSAGE_ID"] != res.MsgID {
			t.Fatalf("dead letter %+v", m)
		}
	}
	if ev, ok := c.Poll(200 * time.Millisecond); ok && ev.Event == "message" {
		t.Fatalf("delivered after dead-lettering: %+v", ev.Message)
	}
}

func TestOrderlyByShardingKey(t *testing.T) {
	e := start(t)
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{e.nameServer}, Group: "GID_p", HashSelector: true})
	const nkeys, per = 4, 25
	for i := range per {
		for k := range nkeys {
			c.Send(t, "p", "ordered", wire.Message{Body: fmt.Sprintf("%d:%d", k, i), ShardingKey: fmt.Sprint(k)})
		}
	}
	// One consumer: rocketmq-client-go does not unlock the queues it gives
	// up when rebalancing, so a second orderly consumer waits for the
	// broker's 60 s lock lifetime, with Apache brokers as here
	// (TestQueueLocks checks the locks).
	c.Must(t, wire.Request{Op: "consumer", Name: "c", NameServer: []string{e.nameServer}, Group: "GID_order", Topic: "ordered", Orderly: true})
	next := map[string]int{}
	for range nkeys * per {
		m := c.Next(t, "message").Message
		k, i, _ := strings.Cut(m.Body, ":")
		if fmt.Sprint(next[k]) != i {
			t.Fatalf("key %s: got %s, want %d", k, i, next[k])
		}
		if m.Properties["SHARDING_KEY"] != k {
			t.Fatalf("sharding key %q", m.Properties["SHARDING_KEY"])
		}
		next[k]++
	}
}

func TestQueueLocks(t *testing.T) {
	e := start(t)
	lock := func(code int16, client string, queues ...int) []int {
		body := fmt.Sprintf(`{"consumerGroup":"G1","clientId":%q,"mqSet":[`, client)
		for i, q := range queues {
			if i > 0 {
				body += ","
			}
			body += fmt.Sprintf(`{"topic":"T","brokerName":"b","queueId":%d}`, q)
		}
		resp := call(t, e.brokerAddr, &remoting.Command{Code: code, Language: "GO", Body: []byte(body + "]}")})
		if resp.Code != 0 {
			t.Fatalf("code %d: %s", resp.Code, resp.Remark)
		}
		var out struct {
			MQs []struct {
				QueueID int `json:"queueId"`
			} `json:"lockOKMQSet"`
		}
		if code == 41 {
			if err := json.Unmarshal(resp.Body, &out); err != nil {
				t.Fatal(err)
			}
		}
		var ids []int
		for _, mq := range out.MQs {
			ids = append(ids, mq.QueueID)
		}
		return ids
	}
	if got := lock(41, "A", 0, 1); fmt.Sprint(got) != "[0 1]" {
		t.Fatalf("A locked %v", got)
	}
	if got := lock(41, "B", 1, 2); fmt.Sprint(got) != "[2]" {
		t.Fatalf("B locked %v while A holds 1", got)
	}
	if got := lock(41, "A", 0, 1); fmt.Sprint(got) != "[0 1]" {
		t.Fatalf("A renewed %v", got)
	}
	lock(42, "B", 1) // not B's: no effect
	if got := lock(41, "B", 1); len(got) != 0 {
		t.Fatalf("B locked %v", got)
	}
	lock(42, "A", 1)
	if got := lock(41, "B", 1); fmt.Sprint(got) != "[1]" {
		t.Fatalf("B locked %v after A unlocked", got)
	}
}

func TestConsumersShareQueues(t *testing.T) {
	e := start(t)
	c := e.client(t)
	const n = 40
	for i := range n {
		c.Send(t, "p", "shared", wire.Message{Body: fmt.Sprint(i)})
	}
	for _, name := range []string{"c0", "c1"} {
		e.consume(t, c, name, "GID_shared", "shared", "")
	}
	seen := map[string]bool{}
	queues := map[string]map[int]bool{"c0": {}, "c1": {}}
	take := func(d time.Duration) bool {
		ev, ok := c.Poll(d)
		if ok && ev.Event == "message" {
			seen[ev.Message.Body] = true
			queues[ev.Name][ev.Message.QueueID] = true
		}
		return ok
	}
	for len(seen) < n {
		if !take(rmqclient.Timeout) {
			t.Fatalf("saw %d of %d", len(seen), n)
		}
	}
	waitFor(t, func() bool { return len(consumerIDs(t, e, "GID_shared")) == 2 })
	// Once they have rebalanced, each consumes its share of the queues.
	clear(queues["c0"])
	clear(queues["c1"])
	deadline := time.Now().Add(rmqclient.Timeout)
	for i := 0; len(queues["c0"]) == 0 || len(queues["c1"]) == 0 || len(queues["c0"])+len(queues["c1"]) < 8; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("queues per consumer: %v", queues)
		}
		c.Send(t, "p", "shared", wire.Message{Body: fmt.Sprint("more", i)})
		for take(5 * time.Millisecond) {
		}
	}
	// When one leaves, the broker tells the other, which takes over its
	// queues. Delivery is at least once: a queue that moves before its
	// offset is committed is read again from the committed offset, as with
	// Apache brokers.
	c.Must(t, wire.Request{Op: "shutdown", Name: "c1"})
	clear(queues["c0"])
	for i := 0; len(queues["c0"]) < 8; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("c0 took over %v", queues["c0"])
		}
		c.Send(t, "p", "shared", wire.Message{Body: fmt.Sprint("after", i)})
		for take(5 * time.Millisecond) {
		}
	}
}

// consumerIDs asks the broker for a group's consumers, as rebalancing does.
func consumerIDs(t *testing.T, e *env, group string) []string {
	t.Helper()
	resp := call(t, e.brokerAddr, &remoting.Command{Code: 38, Language: "GO", ExtFields: map[string]string{"consumerGroup": group}})
	if resp.Code != 0 {
		return nil
	}
	var body struct {
		IDs []string `json:"consumerIdList"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatal(err)
	}
	return body.IDs
}

func TestACL(t *testing.T) {
	e := start(t, func(_ *broker.Config, rc *remoting.Config) { rc.ACL = true })
	e.keys.Add(keys.Credentials{AccessKeyID: "ak", AccessKeySecret: "sk"})
	sts := e.keys.IssueSTS(time.Now().Add(time.Hour))
	c := rmqclient.Start(t)
	producers := map[string]wire.Request{
		"signed":      {AccessKey: "ak", SecretKey: "sk"},
		"sts":         {AccessKey: sts.AccessKeyID, SecretKey: sts.AccessKeySecret, SecurityToken: sts.SecurityToken},
		"unsigned":    {},
		"wrong-key":   {AccessKey: "ak", SecretKey: "wrong"},
		"unknown-ak":  {AccessKey: "nobody", SecretKey: "sk"},
		"sts-notoken": {AccessKey: sts.AccessKeyID, SecretKey: sts.AccessKeySecret},
	}
	for name, r := range producers {
		r.Op, r.Name, r.NameServer, r.Group = "producer", name, []string{e.nameServer}, "GID_"+strings.ReplaceAll(name, "-", "_")
		c.Do(t, r) // starting may fail already: the route query is refused
		rep := c.Do(t, wire.Request{Op: "send", Name: name, Topic: "secure", Messages: []wire.Message{{Body: name}}})
		ok := name == "signed" || name == "sts"
		if (rep.Error == "") != ok {
			t.Errorf("%s: send error %q", name, rep.Error)
		}
	}
	if n := stored(t, e.b, "", "secure"); n != 2 {
		t.Fatalf("%d messages stored, want the two signed ones", n)
	}
}

// TestRetryOfLargeMessage checks that a retry is not held to the 64 KB
// limit of delayed messages.
func TestRetryOfLargeMessage(t *testing.T) {
	e := start(t, shortDelays())
	c := e.client(t)
	body := strings.Repeat("x", 100<<10)
	res := c.Send(t, "p", "large", wire.Message{Body: body})
	c.Must(t, wire.Request{Op: "consumer", Name: "c", NameServer: []string{e.nameServer}, Group: "GID_large",
		Topic: "large", MaxReconsume: 1, Fail: true})
	for want := range 2 {
		m := c.Next(t, "message").Message
		if m.MsgID != res.MsgID || len(m.Body) != len(body) || m.ReconsumeTimes != want {
			t.Fatalf("delivery %d: %s, %d bytes, reconsumed %d", want, m.MsgID, len(m.Body), m.ReconsumeTimes)
		}
	}
	if n := stored(t, e.b, "", "%RETRY%GID_large"); n != 1 {
		t.Fatalf("retry topic has %d messages", n)
	}
}
