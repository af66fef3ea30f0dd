package proxy

import (
	"context"
	"io"
	"sync"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// session is a client's telemetry stream and the settings it reported.
type session struct {
	id     string
	mu     sync.Mutex // serializes Send
	stream v2.MessagingService_TelemetryServer

	settings *v2.Settings // as completed for the client; guarded by sessions.mu
}

// send writes a command to the client.
func (c *session) send(cmd *v2.TelemetryCommand) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stream.Send(cmd)
}

// sessions are the clients with an open telemetry stream, by client ID.
type sessions struct {
	mu      sync.Mutex
	byID    map[string]*session
	changed chan struct{} // closed and replaced when settings arrive
}

func (ss *sessions) init() {
	ss.byID = map[string]*session{}
	ss.changed = make(chan struct{})
}

// remove drops c if it is still the session of its client.
func (ss *sessions) remove(c *session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byID[c.id] == c {
		delete(ss.byID, c.id)
	}
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, id)
}

func (ss *sessions) setSettings(c *session, st *v2.Settings) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	c.settings = st
	ss.byID[c.id] = c
	close(ss.changed)
	ss.changed = make(chan struct{})
}

// settingsWait bounds how long a call waits for the settings of its
// client: the clients send them on their Telemetry stream without waiting
// for the answer, so a first call may come before them.
const settingsWait = 3 * time.Second

// awaitSettings is the settings client id reported, waiting up to
// settingsWait (and ctx) for settings that are not there yet.
func (ss *sessions) awaitSettings(ctx context.Context, id string) (*v2.Settings, bool) {
	t := time.NewTimer(settingsWait)
	defer t.Stop()
	for {
		ss.mu.Lock()
		var st *v2.Settings
		if c := ss.byID[id]; c != nil {
			st = c.settings
		}
		changed := ss.changed
		ss.mu.Unlock()
		if st != nil {
			return st, true
		}
		select {
		case <-changed:
		case <-t.C:
			return nil, false
		case <-ctx.Done():
			return nil, false
		}
	}
}

// producersOf maps each topic (instance, name) that producers publish to
// the sessions of those producers, for transaction checks.
func (ss *sessions) producersOf() map[[2]string][]*session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := map[[2]string][]*session{}
	for _, c := range ss.byID {
		for _, t := range c.settings.GetPublishing().GetTopics() {
			k := [2]string{t.GetResourceNamespace(), t.GetName()}
			out[k] = append(out[k], c)
		}
	}
	return out
}

// Telemetry is a client's command stream: the client reports its
// settings and the server answers them completed with its own (body
// limit, backoff, batch size, long polling); the server sends transaction
// checks to producers on it. As on 5.x servers, a refused call gets a
// TelemetryCommand with the status and the stream ends; settings with
// neither publishing nor subscription, or that fail a check, end it with
// gRPC INVALID_ARGUMENT.
func (s *Server) Telemetry(stream v2.MessagingService_TelemetryServer) error {
	ctx := stream.Context()
	if err := s.admit(ctx); err != nil {
		return stream.Send(&v2.TelemetryCommand{Status: status(err)})
	}
	c := &session{id: clientID(ctx), stream: stream}
	defer s.sessions.remove(c)
	for {
		cmd, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch x := cmd.GetCommand().(type) {
		case *v2.TelemetryCommand_Settings:
			reply, cerr := s.settings(x.Settings)
			if cerr != nil {
				return cerr.grpc("process client telemetryCommand failed. ")
			}
			s.sessions.setSettings(c, proto.Clone(reply).(*v2.Settings))
			if err := c.send(&v2.TelemetryCommand{Status: status(nil), Command: &v2.TelemetryCommand_Settings{Settings: reply}}); err != nil {
				return err
			}
		default:
			// Answers to commands the server does not send (thread stack
			// traces, message verification): nothing to do, as servers
			// answer nothing.
			s.log.Debug("proxy: telemetry command ignored", "client", c.id, "command", cmd.String())
		}
	}
}

// Retry policies the settings give, as 5.x servers give them: a
// producer's send retries, a consumer's redeliveries (as many as the
// broker gives before it dead-letters: 16 by default, where a 5.x server
// gives 17).
var (
	producerBackoff = &v2.RetryPolicy{MaxAttempts: 3, Strategy: &v2.RetryPolicy_ExponentialBackoff{ExponentialBackoff: &v2.ExponentialBackoff{
		Initial: durationpb.New(10 * time.Millisecond), Max: durationpb.New(time.Second), Multiplier: 2}}}
	consumerBackoff = &v2.RetryPolicy{Strategy: &v2.RetryPolicy_CustomizedBackoff{CustomizedBackoff: &v2.CustomizedBackoff{
		Next: durations(time.Second, 5*time.Second, 10*time.Second, 30*time.Second, time.Minute, 2*time.Minute, 3*time.Minute,
			4*time.Minute, 5*time.Minute, 6*time.Minute, 7*time.Minute, 8*time.Minute, 9*time.Minute, 10*time.Minute,
			20*time.Minute, 30*time.Minute, time.Hour, 2*time.Hour)}}}
)

func durations(ds ...time.Duration) []*durationpb.Duration {
	out := make([]*durationpb.Duration, len(ds))
	for i, d := range ds {
		out[i] = durationpb.New(d)
	}
	return out
}

// settings completes a client's settings with the server's.
func (s *Server) settings(in *v2.Settings) (*v2.Settings, *codedError) {
	out := proto.Clone(in).(*v2.Settings)
	out.Metric = &v2.Metric{On: false}
	switch pubsub := in.GetPubSub().(type) {
	case *v2.Settings_Publishing:
		for _, t := range pubsub.Publishing.GetTopics() {
			if err := checkTopic(t); err != nil {
				return nil, err
			}
		}
		out.BackoffPolicy = producerBackoff
		out.PubSub = &v2.Settings_Publishing{Publishing: &v2.Publishing{
			Topics: pubsub.Publishing.GetTopics(), MaxBodySize: MaxBodySize, ValidateMessageType: true}}
	case *v2.Settings_Subscription:
		sub := pubsub.Subscription
		if err := checkGroup(sub.GetGroup()); err != nil {
			return nil, err
		}
		for _, e := range sub.GetSubscriptions() {
			if err := checkTopic(e.GetTopic()); err != nil {
				return nil, err
			}
			if _, err := tagFilter(e.GetExpression()); err != nil {
				return nil, coded(v2.Code_ILLEGAL_FILTER_EXPRESSION, "expression format is not correct: %s", err.msg)
			}
		}
		o := proto.Clone(sub).(*v2.Subscription)
		n := int32(maxReceiveBatch)
		o.ReceiveBatchSize, o.LongPollingTimeout = &n, durationpb.New(maxLongPolling)
		fifo := false
		o.Fifo = &fifo
		out.BackoffPolicy = proto.Clone(consumerBackoff).(*v2.RetryPolicy)
		out.BackoffPolicy.MaxAttempts = int32(s.b.MaxDeliveries())
		out.PubSub = &v2.Settings_Subscription{Subscription: o}
	default:
		return nil, &codedError{code: v2.Code_BAD_REQUEST, msg: "there is no publishing or subscription data in settings"}
	}
	return out, nil
}

// checkLoop offers producers the half messages whose check time came.
func (s *Server) checkLoop() {
	t := time.NewTicker(s.cfg.CheckInterval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.checkTransactions()
		}
	}
}

// checkTransactions sends RecoverOrphanedTransactionCommand, for each
// unresolved half message of producer group = topic (those of 5.x
// clients) whose check time came, to a producer that publishes to its
// topic (its settings list it). A message whose topic has no
// such producer connected is offered again after the broker's
// HalfCheckInterval.
func (s *Server) checkTransactions() {
	for topic, cs := range s.sessions.producersOf() {
		r := broker.ConsumeRequest{Instance: topic[0], Topic: topic[1], Max: broker.MaxBatch,
			ProducerGroups: []string{topic[1]}}
		ds, err := s.b.ConsumeHalf(context.Background(), r)
		if err != nil {
			continue
		}
		for i := range ds {
			c := cs[i%len(cs)]
			m := s.toProto(&ds[i].Message, nil)
			cmd := &v2.TelemetryCommand{Command: &v2.TelemetryCommand_RecoverOrphanedTransactionCommand{
				RecoverOrphanedTransactionCommand: &v2.RecoverOrphanedTransactionCommand{Message: m, TransactionId: ds[i].ReceiptHandle}}}
			if err := c.send(cmd); err != nil {
				s.log.Debug("proxy: sending a transaction check", "client", c.id, "error", err)
			}
		}
	}
}
