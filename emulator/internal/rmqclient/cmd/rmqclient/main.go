// Command rmqclient drives the official rocketmq-client-go (producers,
// transactional producers and push consumers) and the 5.x client
// rocketmq-clients/golang/v5 (producers, transactional producers and
// simple consumers; ops v5*) from JSON lines on stdin,
// answering on stdout, so tests run the client in a process of its own:
// the client has data races of its own (rebalancing against Shutdown, its
// process queues), which must not fail the race-checked tests of the
// servers it talks to. Package rmqclient starts it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
)

func main() {
	rlog.SetLogLevel("fatal")
	defer initV5Log()()
	d := &driver{out: json.NewEncoder(os.Stdout), producers: map[string]rocketmq.Producer{},
		tx: map[string]rocketmq.TransactionProducer{}, consumers: map[string]rocketmq.PushConsumer{}, v5: newV5()}
	var v5ops sync.WaitGroup
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var r wire.Request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			d.emit(wire.Reply{Error: "bad request: " + err.Error()})
			continue
		}
		if strings.HasPrefix(r.Op, "v5") {
			v5ops.Go(func() {
				rep := d.v5.do(d, r)
				rep.ID = r.ID
				d.emit(rep)
			})
			continue
		}
		rep := d.do(r)
		rep.ID = r.ID
		d.emit(rep)
	}
	v5ops.Wait()
	d.shutdown()
}

type driver struct {
	mu        sync.Mutex
	out       *json.Encoder
	producers map[string]rocketmq.Producer
	tx        map[string]rocketmq.TransactionProducer
	consumers map[string]rocketmq.PushConsumer
	v5        *v5
}

func (d *driver) emit(v any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.out.Encode(v)
}

func (d *driver) shutdown() {
	d.v5.shutdown()
	for _, c := range d.consumers {
		c.Shutdown()
	}
	for _, p := range d.producers {
		p.Shutdown()
	}
	for _, p := range d.tx {
		p.Shutdown()
	}
}

func fail(err error) wire.Reply { return wire.Reply{Error: err.Error()} }

func (d *driver) do(r wire.Request) wire.Reply {
	switch r.Op {
	case "producer":
		opts := append(producerOptions(r), producer.WithRetry(0))
		if r.HashSelector {
			opts = append(opts, producer.WithQueueSelector(producer.NewHashQueueSelector()))
		}
		p, err := rocketmq.NewProducer(opts...)
		if err == nil {
			err = p.Start()
		}
		if err != nil {
			return fail(err)
		}
		d.producers[r.Name] = p
	case "txproducer":
		l := &listener{d: d, name: r.Name, exec: state(r.Exec), check: state(r.Check)}
		p, err := rocketmq.NewTransactionProducer(l, producerOptions(r)...)
		if err == nil {
			err = p.Start()
		}
		if err != nil {
			return fail(err)
		}
		d.tx[r.Name] = p
	case "send":
		return d.send(r)
	case "consumer":
		return d.consume(r)
	case "shutdown":
		if c, ok := d.consumers[r.Name]; ok {
			delete(d.consumers, r.Name)
			if err := c.Shutdown(); err != nil {
				return fail(err)
			}
		}
	default:
		return fail(fmt.Errorf("unknown op %q", r.Op))
	}
	return wire.Reply{}
}

func producerOptions(r wire.Request) []producer.Option {
	opts := []producer.Option{producer.WithNameServer(r.NameServer), producer.WithGroupName(r.Group),
		producer.WithInstanceName(r.Name)}
	if r.AccessKey != "" {
		opts = append(opts, producer.WithCredentials(primitive.Credentials{AccessKey: r.AccessKey,
			SecretKey: r.SecretKey, SecurityToken: r.SecurityToken}))
	}
	if r.Namespace != "" {
		opts = append(opts, producer.WithNamespace(r.Namespace))
	}
	if r.SendTimeout > 0 {
		opts = append(opts, producer.WithSendMsgTimeout(r.SendTimeout))
	}
	return opts
}

func message(topic string, m wire.Message) *primitive.Message {
	pm := primitive.NewMessage(topic, []byte(m.Body))
	if m.Tag != "" {
		pm.WithTag(m.Tag)
	}
	if len(m.Keys) > 0 {
		pm.WithKeys(m.Keys)
	}
	if m.ShardingKey != "" {
		pm.WithShardingKey(m.ShardingKey)
	}
	if m.DelayLevel > 0 {
		pm.WithDelayTimeLevel(m.DelayLevel)
	}
	for k, v := range m.Properties {
		pm.WithProperty(k, v)
	}
	return pm
}

func (d *driver) send(r wire.Request) wire.Reply {
	msgs := make([]*primitive.Message, len(r.Messages))
	for i, m := range r.Messages {
		msgs[i] = message(r.Topic, m)
	}
	ctx := context.Background()
	if tp, ok := d.tx[r.Name]; ok {
		if len(msgs) != 1 {
			return fail(fmt.Errorf("a transaction sends one message"))
		}
		res, err := tp.SendMessageInTransaction(ctx, msgs[0])
		if err != nil {
			return fail(err)
		}
		return wire.Reply{Result: result(res.SendResult), State: stateName(res.State)}
	}
	p, ok := d.producers[r.Name]
	if !ok {
		return fail(fmt.Errorf("no producer %q", r.Name))
	}
	switch r.Mode {
	case "oneway":
		if err := p.SendOneWay(ctx, msgs...); err != nil {
			return fail(err)
		}
		return wire.Reply{}
	case "async":
		done := make(chan wire.Reply, 1)
		err := p.SendAsync(ctx, func(_ context.Context, res *primitive.SendResult, err error) {
			if err != nil {
				done <- fail(err)
				return
			}
			done <- wire.Reply{Result: result(res)}
		}, msgs...)
		if err != nil {
			return fail(err)
		}
		return <-done
	}
	res, err := p.SendSync(ctx, msgs...)
	if err != nil {
		return fail(err)
	}
	return wire.Reply{Result: result(res)}
}

func result(res *primitive.SendResult) *wire.Result {
	out := &wire.Result{MsgID: res.MsgID, OffsetMsgID: res.OffsetMsgID, QueueOffset: res.QueueOffset,
		TransactionID: res.TransactionID, Status: int(res.Status)}
	if res.MessageQueue != nil {
		out.QueueID = res.MessageQueue.QueueId
	}
	return out
}

func (d *driver) consume(r wire.Request) wire.Reply {
	opts := []consumer.Option{consumer.WithNameServer(r.NameServer), consumer.WithGroupName(r.Group),
		consumer.WithInstance(r.Name), consumer.WithConsumerOrder(r.Orderly)}
	if r.MaxReconsume > 0 {
		opts = append(opts, consumer.WithMaxReconsumeTimes(int32(r.MaxReconsume)))
	}
	if r.AccessKey != "" {
		opts = append(opts, consumer.WithCredentials(primitive.Credentials{AccessKey: r.AccessKey,
			SecretKey: r.SecretKey, SecurityToken: r.SecurityToken}))
	}
	if r.Namespace != "" {
		opts = append(opts, consumer.WithNamespace(r.Namespace))
	}
	c, err := rocketmq.NewPushConsumer(opts...)
	if err != nil {
		return fail(err)
	}
	sel := consumer.MessageSelector{}
	if r.Tags != "" {
		sel = consumer.MessageSelector{Type: consumer.TAG, Expression: r.Tags}
	}
	name := r.Name
	err = c.Subscribe(r.Topic, sel, func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		for _, m := range msgs {
			d.emit(wire.Event{Event: "message", Name: name, Message: delivered(m)})
		}
		if r.Fail {
			if r.Orderly {
				return consumer.SuspendCurrentQueueAMoment, nil
			}
			return consumer.ConsumeRetryLater, nil
		}
		return consumer.ConsumeSuccess, nil
	})
	if err == nil {
		err = c.Start()
	}
	if err != nil {
		return fail(err)
	}
	d.consumers[name] = c
	return wire.Reply{}
}

func delivered(m *primitive.MessageExt) *wire.Delivered {
	props := m.GetProperties()
	return &wire.Delivered{MsgID: m.MsgId, OffsetMsgID: m.OffsetMsgId, Topic: m.Topic, Tags: m.GetTags(),
		Keys: strings.Fields(m.GetKeys()), Properties: props, Body: string(m.Body), QueueID: m.Queue.QueueId,
		QueueOffset: m.QueueOffset, ReconsumeTimes: int(m.ReconsumeTimes), BornTimestamp: m.BornTimestamp}
}

type listener struct {
	d           *driver
	name        string
	exec, check primitive.LocalTransactionState
}

func (l *listener) ExecuteLocalTransaction(*primitive.Message) primitive.LocalTransactionState {
	return l.exec
}

func (l *listener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	l.d.emit(wire.Event{Event: "check", Name: l.name, Message: delivered(m)})
	return l.check
}

func state(s string) primitive.LocalTransactionState {
	switch s {
	case "commit":
		return primitive.CommitMessageState
	case "rollback":
		return primitive.RollbackMessageState
	}
	return primitive.UnkonwnState
}

func stateName(s primitive.LocalTransactionState) string {
	switch s {
	case primitive.CommitMessageState:
		return "commit"
	case primitive.RollbackMessageState:
		return "rollback"
	}
	return "unknown"
}
