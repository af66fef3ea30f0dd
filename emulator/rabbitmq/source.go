package rabbitmq

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Delivery is one message as the broker delivered it: the envelope, the
// properties and the body.
type Delivery struct {
	Envelope   Envelope
	Properties Properties
	Body       []byte
}

// Envelope is where a delivery came from. DeliveryTag counts deliveries
// on one channel: it starts again from 1 after a reconnection.
type Envelope struct {
	DeliveryTag uint64
	Exchange    string
	RoutingKey  string
	Redelivered bool
}

// Properties are the AMQP 0-9-1 basic properties. The client library does
// not tell an absent property from a zero one: an absent string is "", an
// absent DeliveryMode or Priority 0, an absent Timestamp the zero time.
type Properties struct {
	ContentType     string
	ContentEncoding string
	Headers         map[string]any // values as amqp091-go decodes a field table
	DeliveryMode    uint8          // 1 transient, 2 persistent
	Priority        uint8
	CorrelationID   string
	ReplyTo         string
	Expiration      string
	MessageID       string
	Timestamp       time.Time // second resolution on the wire
	Type            string
	UserID          string
	AppID           string
}

func fromAMQP(d *amqp.Delivery) Delivery {
	var headers map[string]any
	if len(d.Headers) > 0 {
		headers = map[string]any(d.Headers)
	}
	return Delivery{
		Envelope: Envelope{DeliveryTag: d.DeliveryTag, Exchange: d.Exchange, RoutingKey: d.RoutingKey, Redelivered: d.Redelivered},
		Properties: Properties{
			ContentType: d.ContentType, ContentEncoding: d.ContentEncoding, Headers: headers,
			DeliveryMode: d.DeliveryMode, Priority: d.Priority, CorrelationID: d.CorrelationId,
			ReplyTo: d.ReplyTo, Expiration: d.Expiration, MessageID: d.MessageId, Timestamp: d.Timestamp,
			Type: d.Type, UserID: d.UserId, AppID: d.AppId,
		},
		Body: d.Body,
	}
}

// Handler handles a batch of deliveries. Returning nil acknowledges them
// all; an error returns them all to the queue, to be delivered again.
// The source waits before its next batch: the backoff, or the error's
// RetryAfter when it has such a method (see RetryAfter).
type Handler func(ctx context.Context, batch []Delivery) error

// RetryAfter is implemented by a handler error that says how long the
// source waits, after returning the batch to the queue, before it
// delivers again (a trigger's retry schedule), in place of the backoff.
type RetryAfter interface {
	error
	RetryAfter() time.Duration
}

// SourceConfig configures a Source.
type SourceConfig struct {
	// URL is the amqp:// URL of the broker and virtual host.
	URL string
	// Queue is the queue consumed. It must exist: the source does not
	// declare it, as the cloud's trigger consumes a queue that exists.
	Queue string
	// Prefetch is the most deliveries the broker sends before they are
	// acknowledged (basic.qos). Zero means 16.
	Prefetch int
	// BatchSize is the most deliveries in one call of the handler. Zero
	// means Prefetch; it is at most Prefetch.
	BatchSize int
	// BatchWindow is how long a batch waits for more deliveries once it
	// has one, before the handler is called with what it has. Zero calls
	// the handler at once with the deliveries already received.
	BatchWindow time.Duration
	// Handler is called with each batch, one batch at a time.
	Handler Handler
	// MinBackoff and MaxBackoff bound the wait before a reconnection
	// and before the next batch after a failed one, doubling from the
	// first to the second. Zero means 100 ms and 10 s.
	MinBackoff, MaxBackoff time.Duration
	// Logf, when set, is told of lost connections and failed batches.
	Logf func(format string, args ...any)

	// OnConnect, when set, is called each time the source has started
	// consuming on a new connection.
	OnConnect func()
	// OnAck, when set, is called with a batch once the broker has
	// processed its acknowledgement. A message of such a batch is not
	// delivered again (unless the broker loses the acknowledgement in a
	// crash: see Server.Kill).
	OnAck func(batch []Delivery)
	// OnNack, when set, is called with a batch the handler failed and
	// the handler's error, after the batch was returned to the queue.
	OnNack func(batch []Delivery, err error)
}

// Source consumes one queue and hands its messages to a handler in
// batches, acknowledging a batch only once the handler has returned nil.
// It reconnects, with backoff, whenever the connection or the channel
// closes.
//
// A batch whose acknowledgement cannot be sent or confirmed (the
// connection dropped meanwhile) is not acknowledged: the broker delivers
// it again, with Redelivered set. Each acknowledgement is followed by a
// synchronous request on the same channel (basic.qos); the broker handles
// a channel's frames in order, so its answer proves the acknowledgement
// was processed. Only then does the source count the batch as
// acknowledged (OnAck). Delivery is therefore at least once: a batch can
// be handled more than once, an acknowledged one is not delivered again.
type Source struct {
	cfg SourceConfig
}

// NewSource checks cfg and returns a Source; Run starts it.
func NewSource(cfg SourceConfig) (*Source, error) {
	if cfg.URL == "" || cfg.Queue == "" || cfg.Handler == nil {
		return nil, errors.New("rabbitmq: a source needs a URL, a queue and a handler")
	}
	if _, err := amqp.ParseURI(cfg.URL); err != nil {
		return nil, fmt.Errorf("rabbitmq: %w", err)
	}
	if cfg.Prefetch <= 0 {
		cfg.Prefetch = 16
	}
	if cfg.BatchSize <= 0 || cfg.BatchSize > cfg.Prefetch {
		cfg.BatchSize = cfg.Prefetch
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(10*time.Second, cfg.MinBackoff)
	}
	return &Source{cfg: cfg}, nil
}

// Run consumes until ctx ends, then closes its connection (the broker
// returns the deliveries not acknowledged to the queue) and returns nil.
func (s *Source) Run(ctx context.Context) error {
	backoff := s.cfg.MinBackoff
	for {
		consumed, err := s.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if consumed {
			backoff = s.cfg.MinBackoff
		}
		s.logf("rabbitmq source %s: %v; reconnecting in %s", s.cfg.Queue, err, backoff)
		if !wait(ctx, backoff) {
			return nil
		}
		backoff = min(2*backoff, s.cfg.MaxBackoff)
	}
}

func (s *Source) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// wait waits d or until ctx ends, reporting whether d passed.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// session consumes on one connection until it fails or ctx ends. consumed
// reports whether consuming started.
func (s *Source) session(ctx context.Context) (consumed bool, err error) {
	var tag [6]byte
	rand.Read(tag[:])
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName("rocketfn source " + s.cfg.Queue)
	conn, err := amqp.DialConfig(s.cfg.URL, amqp.Config{
		Heartbeat:  10 * time.Second,
		Properties: props,
		Dial:       amqp.DefaultDial(10 * time.Second),
	})
	if err != nil {
		return false, err
	}
	defer conn.Close()
	connClosed := conn.NotifyClose(make(chan *amqp.Error, 1))
	ch, err := conn.Channel()
	if err != nil {
		return false, err
	}
	chClosed := ch.NotifyClose(make(chan *amqp.Error, 1))
	if err := ch.Qos(s.cfg.Prefetch, 0, false); err != nil {
		return false, err
	}
	deliveries, err := ch.ConsumeWithContext(ctx, s.cfg.Queue, "rocketfn-"+hex.EncodeToString(tag[:]), false, false, false, false, nil)
	if err != nil {
		return false, err
	}
	if s.cfg.OnConnect != nil {
		s.cfg.OnConnect()
	}
	closed := func(e *amqp.Error, what string) error {
		if e == nil {
			return fmt.Errorf("%s closed", what)
		}
		return fmt.Errorf("%s closed: %w", what, e)
	}
	failBackoff := s.cfg.MinBackoff
	for {
		var first amqp.Delivery
		var ok bool
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case e := <-connClosed:
			return true, closed(e, "connection")
		case e := <-chClosed:
			return true, closed(e, "channel")
		case first, ok = <-deliveries:
			if !ok {
				return true, errors.New("deliveries ended")
			}
		}
		batch := s.gather(ctx, first, deliveries)
		last := batch[len(batch)-1].Envelope.DeliveryTag
		if err := s.cfg.Handler(ctx, batch); err != nil {
			if ctx.Err() != nil {
				return true, ctx.Err()
			}
			s.logf("rabbitmq source %s: handler failed on %d deliveries: %v", s.cfg.Queue, len(batch), err)
			if nerr := ch.Nack(last, true, true); nerr != nil {
				return true, fmt.Errorf("nack: %w", nerr)
			}
			if s.cfg.OnNack != nil {
				s.cfg.OnNack(batch, err)
			}
			pause := failBackoff
			failBackoff = min(2*failBackoff, s.cfg.MaxBackoff)
			if ra, ok := errors.AsType[RetryAfter](err); ok {
				pause = ra.RetryAfter()
			}
			if !wait(ctx, pause) {
				return true, ctx.Err()
			}
			continue
		}
		failBackoff = s.cfg.MinBackoff
		if err := ch.Ack(last, true); err != nil {
			return true, fmt.Errorf("ack: %w", err)
		}
		// The broker answers basic.qos after it has processed every
		// frame sent before it on the channel, the acknowledgement
		// included.
		if err := ch.Qos(s.cfg.Prefetch, 0, false); err != nil {
			return true, fmt.Errorf("ack not confirmed: %w", err)
		}
		if s.cfg.OnAck != nil {
			s.cfg.OnAck(batch)
		}
	}
}

// gather makes a batch of first and the deliveries that follow it: those
// already received, and those arriving within the batch window, up to
// the batch size.
func (s *Source) gather(ctx context.Context, first amqp.Delivery, deliveries <-chan amqp.Delivery) []Delivery {
	batch := []Delivery{fromAMQP(&first)}
	var window <-chan time.Time
	if s.cfg.BatchWindow > 0 {
		t := time.NewTimer(s.cfg.BatchWindow)
		defer t.Stop()
		window = t.C
	}
	for len(batch) < s.cfg.BatchSize {
		if window == nil {
			select {
			case d, ok := <-deliveries:
				if !ok {
					return batch
				}
				batch = append(batch, fromAMQP(&d))
				continue
			default:
				return batch
			}
		}
		select {
		case d, ok := <-deliveries:
			if !ok {
				return batch
			}
			batch = append(batch, fromAMQP(&d))
		case <-window:
			return batch
		case <-ctx.Done():
			return batch
		}
	}
	return batch
}
