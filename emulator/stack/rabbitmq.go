package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// rabbitTrigger is a trigger with a RabbitMQ source at work: a source
// consuming its queue, whose batches Direct delivers.
type rabbitTrigger struct {
	name   string
	src    *rabbitmq.Source
	direct *eventbridge.Direct
	event  rabbitmq.EventSource
	log    func(msg string, args ...any)

	acked, returned, connects atomic.Int64
}

// RabbitMQStats counts the work of a trigger with a RabbitMQ source.
type RabbitMQStats struct {
	// Acked counts the messages whose acknowledgement the broker
	// confirmed: delivered (or skipped after their retries), never to
	// come again.
	Acked int64
	// Returned counts the messages of failed batches returned to the
	// queue, to come again.
	Returned int64
	// Connects counts the connections the source started consuming on.
	Connects int64
	// Bridge holds the delivery's counters: Invocations, Delivered,
	// Failed, Retried, Filtered and Skipped.
	Bridge eventbridge.Stats
}

// RabbitMQStats returns the counters of the trigger called name with a
// RabbitMQ source, and false when no such trigger runs.
func (s *Stack) RabbitMQStats(name string) (RabbitMQStats, bool) {
	for _, rt := range s.rabbit {
		if rt.name == name {
			return RabbitMQStats{Acked: rt.acked.Load(), Returned: rt.returned.Load(), Connects: rt.connects.Load(),
				Bridge: rt.direct.Stats()}, true
		}
	}
	return RabbitMQStats{}, false
}

// runsRabbitMQ reports whether the stack runs t: an enabled EventBridge
// trigger with a RabbitMQ source.
func runsRabbitMQ(t *syaml.Trigger) bool {
	return t.Enabled && t.Type == "eventbridge" && t.IsRabbitMQ()
}

// needsRabbitMQ reports whether a function the stack starts has a
// trigger with a RabbitMQ source that runs.
func needsRabbitMQ(cfg Config) bool {
	for _, f := range cfg.Project.Functions {
		if cfg.Functions != nil && !slices.Contains(cfg.Functions, f.Name) {
			continue
		}
		if slices.ContainsFunc(f.Triggers, runsRabbitMQ) {
			return true
		}
	}
	return false
}

// rabbitQueue is a queue of a virtual host that triggers consume.
type rabbitQueue struct{ vhost, queue string }

// rabbitQueues are the queues of the file's RabbitMQ triggers, each once,
// with the first trigger naming it (for errors).
func rabbitQueues(p *syaml.Project) ([]rabbitQueue, map[rabbitQueue]string) {
	var qs []rabbitQueue
	by := map[rabbitQueue]string{}
	for _, f := range p.Functions {
		for _, t := range f.Triggers {
			if t.Type != "eventbridge" || !t.IsRabbitMQ() {
				continue
			}
			q := rabbitQueue{t.VirtualHost, t.Queue}
			if _, ok := by[q]; !ok {
				qs = append(qs, q)
				by[q] = fmt.Sprintf("function %s, trigger %s (s.yaml:%d)", f.Name, t.Name, t.Line)
			}
		}
	}
	return qs, by
}

// startRabbitMQ settles the RabbitMQ server of the triggers with a
// RabbitMQ source, when a function that starts has one: Config.RabbitMQURL,
// whose queues must exist, or a local server started in dir (a temporary
// directory when dir is "") with the virtual hosts and durable queues the
// file's triggers name.
func (s *Stack) startRabbitMQ(ctx context.Context, cfg Config, dir string) error {
	if !needsRabbitMQ(cfg) {
		return nil
	}
	qs, by := rabbitQueues(cfg.Project)
	if cfg.RabbitMQURL != "" {
		s.RabbitMQURL = cfg.RabbitMQURL
		for _, q := range qs {
			if err := checkQueue(ctx, vhostURL(cfg.RabbitMQURL, q.vhost), q); err != nil {
				return fmt.Errorf("%s: rabbitmq at %s: %w (rocketfn dev declares nothing on an existing server: create it there)",
					by[q], RedactURL(cfg.RabbitMQURL), err)
			}
		}
		return nil
	}
	srv, err := rabbitmq.StartServer(ctx, rabbitmq.ServerOptions{Dir: dir})
	if errors.Is(err, rabbitmq.ErrNotInstalled) {
		return fmt.Errorf("local rabbitmq for s.yaml's RabbitMQ triggers: %w", err)
	}
	if err != nil {
		return fmt.Errorf("local rabbitmq: %w", err)
	}
	s.RabbitMQ, s.RabbitMQURL = srv, srv.URL()
	s.closers = append(s.closers, func(context.Context) error { return srv.Close() })
	for _, q := range qs {
		if err := declareQueue(ctx, srv, q); err != nil {
			return fmt.Errorf("%s: local rabbitmq: %w", by[q], err)
		}
	}
	return nil
}

// declareQueue creates the virtual host of q (when missing) and q in it,
// durable.
func declareQueue(ctx context.Context, srv *rabbitmq.Server, q rabbitQueue) error {
	if q.vhost != "/" {
		if err := srv.AddVHost(ctx, q.vhost); err != nil {
			return fmt.Errorf("virtual host %s: %w", q.vhost, err)
		}
	}
	return withChannel(srv.VHostURL(q.vhost), func(ch *amqp.Channel) error {
		if _, err := ch.QueueDeclare(q.queue, true, false, false, false, nil); err != nil {
			return fmt.Errorf("declaring queue %s in virtual host %s: %w", q.queue, q.vhost, err)
		}
		return nil
	})
}

// checkQueue checks that q exists on the server of url.
func checkQueue(_ context.Context, url string, q rabbitQueue) error {
	return withChannel(url, func(ch *amqp.Channel) error {
		if _, err := ch.QueueDeclarePassive(q.queue, true, false, false, false, nil); err != nil {
			return fmt.Errorf("virtual host %s has no queue %s: %w", q.vhost, q.queue, err)
		}
		return nil
	})
}

// withChannel runs f on a channel of a new connection to url.
func withChannel(url string, f func(*amqp.Channel) error) error {
	conn, err := amqp.DialConfig(url, amqp.Config{Dial: amqp.DefaultDial(10 * time.Second)})
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", RedactURL(url), err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	return f(ch)
}

// vhostURL is base with the virtual host vhost.
func vhostURL(base, vhost string) string {
	u, err := amqp.ParseURI(base)
	if err != nil {
		return base // Config.Validate has checked it
	}
	u.Vhost = vhost
	return u.String()
}

// RedactURL is an amqp:// URL with its password replaced by "xxxxx",
// for banners and errors; the local server's well-known guest password
// is kept.
func RedactURL(raw string) string {
	u, err := amqp.ParseURI(raw)
	if err != nil {
		return "(an invalid amqp URL)"
	}
	if u.Password != "" && u.Password != "guest" {
		u.Password = "xxxxx"
	}
	return u.String()
}

// checkRabbitMQURL checks Config.RabbitMQURL: an amqp:// or amqps:// URL.
func checkRabbitMQURL(raw string) error {
	if _, err := amqp.ParseURI(raw); err != nil {
		return fmt.Errorf("%q is not an amqp:// URL such as amqp://user:pass@host:5672/: %v", RedactURL(raw), err)
	}
	return nil
}

// rabbitReconnectMax bounds the wait between reconnections to the
// RabbitMQ server, so that the triggers go on soon after it restarts.
const rabbitReconnectMax = 2 * time.Second

// addRabbitTrigger prepares the source and the delivery of a trigger with
// a RabbitMQ source; runRabbitTriggers starts them.
func (s *Stack) addRabbitTrigger(f *syaml.Function, t *syaml.Trigger, cfg Config, inv *fcinvoker.Invoker) error {
	d, err := s.Bridge.Direct(trigger(t, cfg), sink{inv})
	if err != nil {
		return err
	}
	tr := d.Trigger()
	name := rabbitmq.TriggerSourceName(f.Name, t.Name)
	rt := &rabbitTrigger{name: t.Name, direct: d, log: s.log.Error, event: rabbitmq.EventSource{
		Name: name, EventBusName: name, Region: tr.RegionID, AccountID: tr.AccountID,
		InstanceID: tr.Instance, VirtualHost: tr.VirtualHost, Queue: tr.Queue, PublishAddr: "127.0.0.1",
	}}
	logf := func(format string, args ...any) {
		s.log.Warn(fmt.Sprintf(format, args...), "function", f.Name, "trigger", t.Name)
	}
	rt.src, err = rabbitmq.NewSource(rabbitmq.SourceConfig{
		URL: vhostURL(s.RabbitMQURL, tr.VirtualHost), Queue: tr.Queue,
		Prefetch: max(16, d.BatchSize()), BatchSize: d.BatchSize(), BatchWindow: tr.BatchWindow,
		Handler: rt.handle, Logf: logf, MaxBackoff: rabbitReconnectMax,
		OnAck:     func(b []rabbitmq.Delivery) { rt.acked.Add(int64(len(b))) },
		OnNack:    func(b []rabbitmq.Delivery, _ error) { rt.returned.Add(int64(len(b))) },
		OnConnect: func() { rt.connects.Add(1) },
	})
	if err != nil {
		return err
	}
	s.rabbit = append(s.rabbit, rt)
	return nil
}

// runRabbitTriggers runs the RabbitMQ triggers' sources until ctx ends;
// Close waits for them.
func (s *Stack) runRabbitTriggers(ctx context.Context) {
	for _, rt := range s.rabbit {
		s.rabbitWG.Go(func() { rt.src.Run(ctx) })
	}
}

// handle delivers a batch of the queue as CloudEvents of type
// amqp:Queue:SendMessage. A nil return acknowledges the batch; an error
// returns it to the queue (with a RetryError, for the trigger's wait).
// Under errorsTolerance NONE a batch out of retries blocks the trigger
// until the stack stops, its messages unacknowledged.
func (rt *rabbitTrigger) handle(ctx context.Context, batch []rabbitmq.Delivery) error {
	now := time.Now()
	evs := make([]eventbridge.DirectEvent, 0, len(batch))
	for _, d := range batch {
		ev, err := rabbitmq.NewEvent(rt.event, d, rabbitmq.EventMeta{ID: eventbridge.NewUUID(), Time: now})
		var event, data []byte
		if err == nil {
			event, err = json.Marshal(ev)
		}
		if err == nil {
			data, err = json.Marshal(ev.Data)
		}
		if err != nil {
			// The message can never become an event: keeping it would
			// block the queue for good.
			rt.log("rabbitmq trigger: message dropped, its event cannot be built", "queue", rt.event.Queue,
				"message_id", d.Properties.MessageID, "err", err)
			continue
		}
		evs = append(evs, eventbridge.DirectEvent{ID: ev.ID, MessageID: d.Properties.MessageID, Event: event, Data: data})
	}
	err := rt.direct.Deliver(ctx, evs)
	if errors.Is(err, eventbridge.ErrBlocked) {
		<-ctx.Done()
	}
	return err
}
