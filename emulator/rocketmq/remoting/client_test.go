package remoting_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

func newProducer(t *testing.T, e *env, opts ...producer.Option) rocketmq.Producer {
	t.Helper()
	opts = append([]producer.Option{producer.WithNameServer([]string{e.nameServer}), producer.WithRetry(0),
		producer.WithGroupName("GID_producer"), producer.WithInstanceName(t.Name() + "-p")}, opts...)
	p, err := rocketmq.NewProducer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p
}

// received collects what a push consumer got.
type received struct {
	ch chan *primitive.MessageExt
}

func newConsumer(t *testing.T, e *env, group, topic, tags string, opts ...consumer.Option) *received {
	t.Helper()
	r := &received{ch: make(chan *primitive.MessageExt, 1000)}
	opts = append([]consumer.Option{consumer.WithNameServer([]string{e.nameServer}), consumer.WithGroupName(group),
		consumer.WithInstance(t.Name() + "-" + group)}, opts...)
	c, err := rocketmq.NewPushConsumer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	sel := consumer.MessageSelector{}
	if tags != "" {
		sel = consumer.MessageSelector{Type: consumer.TAG, Expression: tags}
	}
	err = c.Subscribe(topic, sel, func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		for _, m := range msgs {
			r.ch <- m
		}
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Shutdown() })
	return r
}

func (r *received) next(t *testing.T) *primitive.MessageExt {
	t.Helper()
	select {
	case m := <-r.ch:
		return m
	case <-time.After(20 * time.Second):
		t.Fatal("no message within 20 s")
		return nil
	}
}

func TestSendAndPushConsume(t *testing.T) {
	e := start(t)
	p := newProducer(t, e)
	const n = 10
	ids := map[string]bool{}
	for i := range n {
		m := primitive.NewMessage("orders", []byte(fmt.Sprintf("order-%d", i)))
		m.WithTag("created").WithKeys([]string{fmt.Sprintf("k%d", i)}).WithProperty("source", "test:1")
		res, err := p.SendSync(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != primitive.SendOK {
			t.Fatalf("status %v", res.Status)
		}
		ids[res.MsgID] = true
	}
	r := newConsumer(t, e, "GID_consumer", "orders", "created")
	for range n {
		m := r.next(t)
		if !ids[m.MsgId] {
			t.Fatalf("unexpected message %s (%s)", m.MsgId, m.Body)
		}
		delete(ids, m.MsgId)
		if m.GetTags() != "created" || m.GetProperty("source") != "test:1" || m.GetKeys() == "" {
			t.Fatalf("message %s: tags %q keys %q source %q", m.MsgId, m.GetTags(), m.GetKeys(), m.GetProperty("source"))
		}
	}
}
