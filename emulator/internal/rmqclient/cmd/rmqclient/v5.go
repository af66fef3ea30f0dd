package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	rmq "github.com/apache/rocketmq-clients/golang/v5"
	"github.com/apache/rocketmq-clients/golang/v5/credentials"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
)

// v5 holds the 5.x clients, by name. Its ops run concurrently (a
// receive long-polls), each answering when done.
type v5 struct {
	mu        sync.Mutex
	producers map[string]rmq.Producer
	consumers map[string]rmq.SimpleConsumer
	received  map[string]*rmq.MessageView // by receipt handle as received
}

func newV5() *v5 {
	return &v5{producers: map[string]rmq.Producer{}, consumers: map[string]rmq.SimpleConsumer{}, received: map[string]*rmq.MessageView{}}
}

// initV5Log sends the 5.x client's log file to a temporary directory, at
// warn: by default it writes under $user.home/logs.
func initV5Log() func() {
	dir, err := os.MkdirTemp("", "rmq-v5-logs")
	if err != nil {
		return func() {}
	}
	os.Setenv("rocketmq.client.logRoot", dir)
	os.Setenv("rocketmq.client.logLevel", "error")
	rmq.ResetLogger()
	return func() { os.RemoveAll(dir) }
}

func (v *v5) config(r wire.Request) *rmq.Config {
	return &rmq.Config{Endpoint: r.Endpoint, NameSpace: r.Namespace, ConsumerGroup: r.Group,
		Credentials: &credentials.SessionCredentials{AccessKey: r.AccessKey, AccessSecret: r.SecretKey, SecurityToken: r.SecurityToken}}
}

// clientFunc makes the clients, dialing without TLS with r.Plaintext.
func clientFunc(r wire.Request) rmq.NewClientFunc {
	return func(cfg *rmq.Config, opts ...rmq.ClientOption) (rmq.Client, error) {
		if r.Plaintext {
			opts = append(opts, rmq.WithConnOptions(rmq.WithDialOptions(grpc.WithTransportCredentials(insecure.NewCredentials()))))
		}
		return rmq.NewClient(cfg, opts...)
	}
}

func (v *v5) do(d *driver, r wire.Request) wire.Reply {
	switch r.Op {
	case "v5producer":
		opts := []rmq.ProducerOption{rmq.WithTopics(r.Topics...), rmq.WithClientFunc(clientFunc(r))}
		if r.Check != "" {
			name, answer := r.Name, r.Check
			opts = append(opts, rmq.WithTransactionChecker(&rmq.TransactionChecker{Check: func(m *rmq.MessageView) rmq.TransactionResolution {
				d.emit(wire.Event{Event: "check", Name: name, Message: deliveredV5(m)})
				return resolution(answer)
			}}))
		}
		p, err := rmq.NewProducer(v.config(r), opts...)
		if err == nil {
			err = p.Start()
		}
		if err != nil {
			return fail(err)
		}
		v.mu.Lock()
		v.producers[r.Name] = p
		v.mu.Unlock()
	case "v5send":
		return v.send(r)
	case "v5consumer":
		subs := map[string]*rmq.FilterExpression{}
		for topic, expr := range r.Subscriptions {
			subs[topic] = rmq.NewFilterExpression(expr)
		}
		await := r.Await
		if await == 0 {
			await = 5 * time.Second
		}
		c, err := rmq.NewSimpleConsumer(v.config(r), rmq.WithAwaitDuration(await), rmq.WithSubscriptionExpressions(subs),
			rmq.WithClientFuncForSimpleConsumer(clientFunc(r)))
		if err == nil {
			err = c.Start()
		}
		if err != nil {
			return fail(err)
		}
		v.mu.Lock()
		v.consumers[r.Name] = c
		v.mu.Unlock()
	case "v5receive":
		c, err := v.consumer(r.Name)
		if err != nil {
			return fail(err)
		}
		mvs, err := c.Receive(context.Background(), int32(r.Max), r.Invisible)
		if err != nil {
			return fail(err)
		}
		rep := wire.Reply{}
		v.mu.Lock()
		for _, m := range mvs {
			v.received[m.ReceiptHandle] = m
			rep.Messages = append(rep.Messages, *deliveredV5(m))
		}
		v.mu.Unlock()
		return rep
	case "v5ack", "v5change":
		c, err := v.consumer(r.Name)
		if err != nil {
			return fail(err)
		}
		v.mu.Lock()
		m := v.received[r.Handle]
		v.mu.Unlock()
		if m == nil {
			return fail(fmt.Errorf("no received message of handle %q", r.Handle))
		}
		if r.Op == "v5ack" {
			if err := c.Ack(context.Background(), m); err != nil {
				return fail(err)
			}
			return wire.Reply{}
		}
		if err := c.ChangeInvisibleDuration(m, r.Invisible); err != nil {
			return fail(err)
		}
		v.mu.Lock()
		v.received[m.ReceiptHandle] = m
		v.mu.Unlock()
		return wire.Reply{Handle: m.ReceiptHandle}
	case "v5stop":
		v.mu.Lock()
		p, c := v.producers[r.Name], v.consumers[r.Name]
		delete(v.producers, r.Name)
		delete(v.consumers, r.Name)
		v.mu.Unlock()
		switch {
		case p != nil:
			if err := p.GracefulStop(); err != nil {
				return fail(err)
			}
		case c != nil:
			if err := c.GracefulStop(); err != nil {
				return fail(err)
			}
		}
	default:
		return fail(fmt.Errorf("unknown op %q", r.Op))
	}
	return wire.Reply{}
}

func (v *v5) consumer(name string) (rmq.SimpleConsumer, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	c, ok := v.consumers[name]
	if !ok {
		return nil, fmt.Errorf("no consumer %q", name)
	}
	return c, nil
}

func (v *v5) send(r wire.Request) wire.Reply {
	v.mu.Lock()
	p, ok := v.producers[r.Name]
	v.mu.Unlock()
	if !ok {
		return fail(fmt.Errorf("no producer %q", r.Name))
	}
	if len(r.Messages) != 1 {
		return fail(fmt.Errorf("a v5 send has one message"))
	}
	m := r.Messages[0]
	msg := &rmq.Message{Topic: r.Topic, Body: []byte(m.Body)}
	if m.Tag != "" {
		msg.SetTag(m.Tag)
	}
	if len(m.Keys) > 0 {
		msg.SetKeys(m.Keys...)
	}
	if m.MessageGroup != "" {
		msg.SetMessageGroup(m.MessageGroup)
	}
	if m.DeliverAt > 0 {
		msg.SetDelayTimestamp(time.UnixMilli(m.DeliverAt))
	}
	for k, val := range m.Properties {
		msg.AddProperty(k, val)
	}
	ctx := context.Background()
	if r.Transaction != "" {
		tx := p.BeginTransaction()
		rs, err := p.SendWithTransaction(ctx, msg, tx)
		if err != nil {
			return fail(err)
		}
		switch r.Transaction {
		case "commit":
			err = tx.Commit()
		case "rollback":
			err = tx.RollBack()
		}
		if err != nil {
			return fail(err)
		}
		return wire.Reply{Result: receipt(rs[0]), State: r.Transaction}
	}
	if r.Mode == "async" {
		done := make(chan wire.Reply, 1)
		p.SendAsync(ctx, msg, func(_ context.Context, rs []*rmq.SendReceipt, err error) {
			if err != nil {
				done <- fail(err)
				return
			}
			done <- wire.Reply{Result: receipt(rs[0])}
		})
		return <-done
	}
	rs, err := p.Send(ctx, msg)
	if err != nil {
		return fail(err)
	}
	return wire.Reply{Result: receipt(rs[0])}
}

func receipt(r *rmq.SendReceipt) *wire.Result {
	return &wire.Result{MsgID: r.MessageID, TransactionID: r.TransactionId, QueueOffset: r.Offset}
}

func deliveredV5(m *rmq.MessageView) *wire.Delivered {
	d := &wire.Delivered{MsgID: m.GetMessageId(), Topic: m.GetTopic(), Keys: m.GetKeys(), Properties: m.GetProperties(),
		Body: string(m.GetBody()), QueueOffset: m.GetOffset(), ReceiptHandle: m.ReceiptHandle,
		DeliveryAttempt: int(m.GetDeliveryAttempt())}
	if t := m.GetTag(); t != nil {
		d.Tags = *t
	}
	if g := m.GetMessageGroup(); g != nil {
		d.MessageGroup = *g
	}
	if t := m.GetDeliveryTimestamp(); t != nil {
		d.DeliverAt = t.UnixMilli()
	}
	if t := m.GetBornTimestamp(); t != nil {
		d.BornTimestamp = t.UnixMilli()
	}
	return d
}

func resolution(s string) rmq.TransactionResolution {
	switch s {
	case "commit":
		return rmq.COMMIT
	case "rollback":
		return rmq.ROLLBACK
	}
	return rmq.UNKNOWN
}

func (v *v5) shutdown() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, c := range v.consumers {
		c.GracefulStop()
	}
	for _, p := range v.producers {
		p.GracefulStop()
	}
}
