package proxy_test

// Side-by-side benchmarks of the three protocols on one broker: a durable
// broker (fsync on, as in package rocketmq's and package remoting's
// benchmarks) served over MQ HTTP, over remoting and over the 5.x gRPC
// protocol at once, driven over loopback by each protocol's official
// client in this process: github.com/aliyunmq/mq-http-go-sdk,
// github.com/apache/rocketmq-client-go/v2 and
// github.com/apache/rocketmq-clients/golang/v5 (over TLS, the client's
// default). Sub-benchmarks are named proto=http, proto=remoting and
// proto=grpc so that benchstat sets them side by side:
//
//	go test -run '^$' -bench . ./emulator/rocketmq/proxy/ | tee out.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /proto out.txt

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
	rmq "github.com/apache/rocketmq-clients/golang/v5"
	"github.com/apache/rocketmq-clients/golang/v5/credentials"
	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"go.uber.org/zap"

	"github.com/rocketfn/rocketfn/emulator/internal/benchlat"
	"github.com/rocketfn/rocketfn/emulator/kv"
	localmq "github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// benchEnv is one broker served over the three protocols.
type benchEnv struct {
	broker     *broker.Broker
	http       mq.MQClient
	nameServer string // remoting
	endpoint   string // gRPC
	cred       localmq.Credentials
	bolt       *kv.BoltStore // nil with -store=memory
}

// benchStoreFlag picks the benchmarks' broker store: "durable" (the
// default, fsync on), "nosync" (a data directory acknowledged before the
// disk) or "memory", for telling the protocols' costs from the disk's:
//
//	go test -run '^$' -bench . ./emulator/rocketmq/proxy/ -args -store=memory
var benchStoreFlag = flag.String("store", "durable", "benchmark broker store: durable, nosync or memory")

// benchLogs quiets, once, the remoting client's log (to standard output
// at info) and the 5.x client's log of every call: its connections have a
// logger of their own that writes each call at info to
// /tmp/rocketmq-logger.log, whatever rocketmq.client.logLevel says, a
// cost the other clients do not have here. The 5.x client v5.1.2 makes
// its connections with no options of the client's (WithConnOptions is
// not passed on), so the logger is set where they are made,
// rmq.NewRpcClient.
var benchLogs sync.Once

func quietLogs() {
	rlog.SetLogLevel("fatal")
	newRPC := rmq.NewRpcClient
	rmq.NewRpcClient = func(target string, opts ...rmq.RpcClientOption) (rmq.RpcClient, error) {
		return newRPC(target, append(opts, rmq.WithRpcClientConnOption(rmq.WithZapLogger(zap.NewNop())))...)
	}
}

// startBench opens a broker (in a temporary directory unless
// -store=memory) and serves it over MQ HTTP, remoting and gRPC on free
// loopback ports until tb ends. The 5.x clients made after it log, at
// error only, to a temporary directory removed when tb ends (by default
// they write under $user.home/logs).
func startBench(tb testing.TB) *benchEnv {
	tb.Helper()
	benchLogs.Do(quietLogs)
	logs, err := os.MkdirTemp("", "rmq-v5-logs")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(logs) }) // last: the clients stop before
	tb.Setenv("rocketmq.client.logRoot", logs)
	tb.Setenv("rocketmq.client.logLevel", "error")
	rmq.ResetLogger()

	var cfg localmq.Config
	var bolt *kv.BoltStore
	switch *benchStoreFlag {
	case "durable", "nosync":
		store, err := kv.OpenBolt(filepath.Join(tb.TempDir(), "rocketmq.db"), kv.Options{NoSync: *benchStoreFlag == "nosync"})
		if err != nil {
			tb.Fatal(err)
		}
		bolt, cfg.Broker.Store = store.(*kv.BoltStore), store
	case "memory":
	default:
		tb.Fatalf("-store=%q: want durable, nosync or memory", *benchStoreFlag)
	}
	httpSrv, err := localmq.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	endpoint, err := httpSrv.Start("")
	if err != nil {
		httpSrv.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { httpSrv.Close() }) // closes the broker too
	rsrv, err := remoting.New(remoting.Config{Broker: httpSrv.Broker(), Keys: httpSrv.Keys()})
	if err != nil {
		tb.Fatal(err)
	}
	ns, _, err := rsrv.Start("", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rsrv.Close() }) // before the broker closes
	psrv, err := proxy.New(proxy.Config{Broker: httpSrv.Broker(), Keys: httpSrv.Keys()})
	if err != nil {
		tb.Fatal(err)
	}
	grpcEndpoint, err := psrv.Start("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { psrv.Close() }) // before the broker closes
	cred := httpSrv.Credentials()
	return &benchEnv{
		broker:     httpSrv.Broker(),
		http:       mq.NewAliyunMQClient(endpoint, cred.AccessKeyID, cred.AccessKeySecret, ""),
		nameServer: ns,
		endpoint:   grpcEndpoint,
		cred:       cred,
		bolt:       bolt,
	}
}

// storeStats is the durable store's counters, zero with -store=memory.
func (e *benchEnv) storeStats() kv.Stats {
	if e.bolt == nil {
		return kv.Stats{}
	}
	return e.bolt.Stats()
}

// reportGroups reports how many updates (publishes, acks) shared a commit
// of the durable store, on average: the store syncs once per commit.
func (e *benchEnv) reportGroups(b *testing.B, before kv.Stats) {
	if e.bolt == nil {
		return
	}
	st := e.bolt.Stats()
	if n := st.Commits - before.Commits; n > 0 {
		b.ReportMetric(float64(st.Updates-before.Updates)/float64(n), "updates/commit")
	}
}

// benchClients numbers client instances: the remoting client library
// shares one client among producers and consumers of the same instance
// name.
var benchClients atomic.Int64

func benchInstance() string {
	return fmt.Sprintf("bench-%d", benchClients.Add(1))
}

// remotingProducer starts a remoting producer with the library's
// defaults.
func (e *benchEnv) remotingProducer(tb testing.TB) rocketmq.Producer {
	tb.Helper()
	p, err := rocketmq.NewProducer(producer.WithNameServer([]string{e.nameServer}),
		producer.WithGroupName("GID_bench"), producer.WithInstanceName(benchInstance()))
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Shutdown() })
	return p
}

// grpcConfig is the 5.x clients' configuration: the server's endpoint
// and its access key, so that every call is signed and verified.
func (e *benchEnv) grpcConfig(group string) *rmq.Config {
	return &rmq.Config{Endpoint: e.endpoint, ConsumerGroup: group,
		Credentials: &credentials.SessionCredentials{AccessKey: e.cred.AccessKeyID, AccessSecret: e.cred.AccessKeySecret}}
}

// grpcProducer starts a 5.x producer of the benchmark topic with the
// library's defaults (TLS, 3 attempts, 3 s timeout).
func (e *benchEnv) grpcProducer(tb testing.TB) rmq.Producer {
	tb.Helper()
	p, err := rmq.NewProducer(e.grpcConfig(""), rmq.WithTopics(benchTopic))
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.GracefulStop() })
	return p
}

// grpcConsumer starts a 5.x simple consumer of the benchmark topic (all
// tags) whose receives wait up to 20 s, the server's longest long poll.
func (e *benchEnv) grpcConsumer(tb testing.TB, group string) rmq.SimpleConsumer {
	tb.Helper()
	c, err := rmq.NewSimpleConsumer(e.grpcConfig(group), rmq.WithAwaitDuration(20*time.Second),
		rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{benchTopic: rmq.SUB_ALL}))
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.GracefulStop() })
	return c // a first receive waits for the settings the client sends after Start

}

// notFound reports whether err is a receive that found nothing: over
// MQ HTTP MessageNotExist, over gRPC MESSAGE_NOT_FOUND.
func notFound(err error) bool {
	var st *rmq.ErrRpcStatus
	if errors.As(err, &st) {
		return st.Code == int32(v2.Code_MESSAGE_NOT_FOUND)
	}
	return strings.Contains(err.Error(), "MessageNotExist")
}

const benchTopic = "bench"

// benchBody is the 200-byte body of the throughput benchmarks.
var benchBody = strings.Repeat("x", 200)

// BenchmarkPublish publishes 200-byte messages from one goroutine, then
// from 32 at once, over each protocol: over MQ HTTP with the SDK's
// PublishMessage, over remoting with SendSync on one shared producer, over
// gRPC with Send on one shared 5.x producer (one HTTP/2 connection, over
// TLS). Each publish returns once the broker has made the message durable.
// updates/commit is how many publishes shared one sync of the durable
// store: the fewer producers wait in the protocol's own code, the more
// share a commit.
func BenchmarkPublish(b *testing.B) {
	for _, proto := range []string{"http", "remoting", "grpc"} {
		for _, producers := range []int{1, 32} {
			b.Run(fmt.Sprintf("proto=%s/producers=%d", proto, producers), func(b *testing.B) {
				e := startBench(b)
				var send func() error
				switch proto {
				case "http":
					p := e.http.GetProducer("", benchTopic)
					send = func() error {
						_, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: benchBody})
						return err
					}
				case "remoting":
					p := e.remotingProducer(b)
					send = func() error {
						res, err := p.SendSync(context.Background(), primitive.NewMessage(benchTopic, []byte(benchBody)))
						if err == nil && res.Status != primitive.SendOK {
							err = fmt.Errorf("send status %v", res.Status)
						}
						return err
					}
				case "grpc":
					p := e.grpcProducer(b)
					send = func() error {
						_, err := p.Send(context.Background(), &rmq.Message{Topic: benchTopic, Body: []byte(benchBody)})
						return err
					}
				}
				if err := send(); err != nil { // creates the topic, finds the route
					b.Fatal(err)
				}
				before := e.storeStats()
				b.ResetTimer()
				if err := benchlat.Parallel(b.N, producers, send); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
				e.reportGroups(b, before)
			})
		}
	}
}

// benchReceivers is how many goroutines receive and acknowledge at once
// in BenchmarkReceiveAck.
const benchReceivers = 4

// BenchmarkReceiveAck publishes b.N 200-byte messages to the broker
// directly (not timed), then consumes and acknowledges them all as fast
// as 4 concurrent receivers of one consumer can, over each protocol as its
// client is meant to be used: over MQ HTTP ConsumeMessage of up to 16
// (waiting up to 30 s) then one AckMessage of the batch's handles; over
// gRPC a 5.x SimpleConsumer's Receive of up to 32 (invisible 30 s) then
// Ack of each message in turn, the client acknowledging one message per
// call. msgs/s is messages acknowledged per second; the broker's count of
// acknowledgements is checked at the end, since the 5.x client ignores a
// failed ack's status. updates/commit is how many receives and
// acknowledgements shared one sync of the durable store.
//
// There is no proto=remoting: a remoting push consumer acknowledges
// nothing per message (it returns ConsumeSuccess and commits its queue
// offsets every 5 s), so the broker would do other work than for the two
// consumers here, and it cannot be held back while the messages are
// published (Suspend delays its pulls by 30 s), so the timing would be
// of its rebalance as much as of its consumption.
func BenchmarkReceiveAck(b *testing.B) {
	for _, proto := range []string{"http", "grpc"} {
		b.Run("proto="+proto, func(b *testing.B) {
			var wg sync.WaitGroup
			b.Cleanup(wg.Wait) // once the servers closed, which ends the receivers' waits
			e := startBench(b)
			e.prepublish(b, b.N)
			// take receives one batch and acknowledges it, answering how
			// many it acknowledged.
			var take func(ctx context.Context) (int, error)
			switch proto {
			case "http":
				c := e.http.GetConsumer("", benchTopic, "GID_bench_http", "")
				take = func(context.Context) (int, error) {
					rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
					c.ConsumeMessage(rc, ec, 16, 30)
					select {
					case r := <-rc:
						hs := make([]string, 0, len(r.Messages))
						for _, m := range r.Messages {
							hs = append(hs, m.ReceiptHandle)
						}
						if err := c.AckMessage(hs); err != nil {
							return 0, err
						}
						return len(hs), nil
					case err := <-ec:
						return 0, err
					}
				}
			case "grpc":
				c := e.grpcConsumer(b, "GID_bench_grpc")
				take = func(ctx context.Context) (int, error) {
					mvs, err := c.Receive(ctx, 32, 30*time.Second)
					if err != nil {
						return 0, err
					}
					for _, m := range mvs {
						if err := c.Ack(ctx, m); err != nil {
							return 0, err
						}
					}
					return len(mvs), nil
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var acked atomic.Int64
			done, failed := make(chan struct{}), make(chan error, 1)
			before, beforeAcked := e.storeStats(), e.broker.Stats().Acked
			b.ResetTimer()
			for range benchReceivers {
				wg.Go(func() {
					for ctx.Err() == nil {
						n, err := take(ctx)
						switch {
						case ctx.Err() != nil:
							return
						case err != nil && notFound(err): // the others took the last ones
						case err != nil:
							select {
							case failed <- err:
							default:
							}
							return
						}
						if total := acked.Add(int64(n)); n > 0 && total >= int64(b.N) && total-int64(n) < int64(b.N) {
							close(done)
						}
					}
				})
			}
			select {
			case <-done:
			case err := <-failed:
				b.Fatal(err)
			}
			b.StopTimer()
			cancel()
			if got := e.broker.Stats().Acked - beforeAcked; got < uint64(b.N) {
				b.Fatalf("the broker acknowledged %d of %d messages", got, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			e.reportGroups(b, before)
			stopped := make(chan struct{})
			go func() { wg.Wait(); close(stopped) }()
			e.wakeUntil(stopped)
		})
	}
}

// prepublish publishes n 200-byte messages to the benchmark topic on the
// broker itself, from 64 goroutines so that they share commits.
func (e *benchEnv) prepublish(b *testing.B, n int) {
	b.Helper()
	body := []byte(benchBody)
	err := benchlat.Parallel(n, 64, func() error {
		_, err := e.broker.Publish(context.Background(), broker.Message{Topic: benchTopic, Body: body})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// wakeUntil publishes a message to the benchmark topic on the broker
// every 10 ms until done is closed, to end the long polls of receivers
// that are stopping: the MQ HTTP server's Close would wait for them (up
// to 5 s) before the broker's close ends them.
func (e *benchEnv) wakeUntil(done <-chan struct{}) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			e.broker.Publish(context.Background(), broker.Message{Topic: benchTopic, Body: []byte("wake")})
		}
	}
}

// BenchmarkDelivery publishes one message at a time to a consumer that
// waits for it, and measures from the publish call to the consumer
// holding the message: over MQ HTTP a consumer in a loop of long polls
// (ConsumeMessage, 16 at most, 30 s), acking each batch without waiting
// for the ack; over remoting a push consumer; over gRPC a 5.x
// SimpleConsumer in a loop of Receive (32 at most, a 20 s long poll),
// acking each message without waiting for the ack. The producers are
// those of BenchmarkPublish. The body carries the time of the publish
// call. Between messages the producer pauses 1 ms (not timed) so the
// consumer is waiting again. send-p50-ms is the publish call alone.
func BenchmarkDelivery(b *testing.B) {
	for _, proto := range []string{"http", "remoting", "grpc"} {
		b.Run("proto="+proto, func(b *testing.B) {
			e := startBench(b)
			var publish func(body []byte) error
			var got <-chan time.Duration
			switch proto {
			case "http":
				p := e.http.GetProducer("", benchTopic)
				publish = func(body []byte) error {
					_, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: string(body)})
					return err
				}
				got = e.httpReceiver(b)
			case "remoting":
				p := e.remotingProducer(b)
				publish = func(body []byte) error {
					_, err := p.SendSync(context.Background(), primitive.NewMessage(benchTopic, body))
					return err
				}
				got = e.pushReceiver(b)
			case "grpc":
				p := e.grpcProducer(b)
				publish = func(body []byte) error {
					_, err := p.Send(context.Background(), &rmq.Message{Topic: benchTopic, Body: body})
					return err
				}
				got = e.simpleReceiver(b)
			}
			benchlat.Delivery(b, publish, got)
		})
	}
}

// httpReceiver consumes with the MQ HTTP SDK in a loop of long polls
// until b ends, and sends each message's latency.
func (e *benchEnv) httpReceiver(b *testing.B) <-chan time.Duration {
	got := make(chan time.Duration, 1024)
	c := e.http.GetConsumer("", benchTopic, "GID_bench_http", "")
	stop, stopped := make(chan struct{}), make(chan struct{})
	b.Cleanup(func() { close(stop); e.wakeUntil(stopped) }) // before the server closes
	go func() {
		defer close(stopped)
		rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
		for {
			select {
			case <-stop:
				return
			default:
			}
			c.ConsumeMessage(rc, ec, 16, 30)
			select {
			case r := <-rc:
				hs := make([]string, 0, len(r.Messages))
				for _, m := range r.Messages {
					got <- benchlat.Since([]byte(m.MessageBody))
					hs = append(hs, m.ReceiptHandle)
				}
				go c.AckMessage(hs)
			case err := <-ec:
				select {
				case <-stop:
					return
				default:
				}
				if !notFound(err) {
					time.Sleep(10 * time.Millisecond) // a pause before the next receive, synchronising nothing; the failure shows as a missing delivery
				}
			}
		}
	}()
	return got
}

// pushReceiver starts a remoting push consumer with the library's
// defaults and sends each message's latency.
func (e *benchEnv) pushReceiver(b *testing.B) <-chan time.Duration {
	got := make(chan time.Duration, 1024)
	c, err := rocketmq.NewPushConsumer(consumer.WithNameServer([]string{e.nameServer}),
		consumer.WithGroupName("GID_bench_remoting"), consumer.WithInstance(benchInstance()))
	if err != nil {
		b.Fatal(err)
	}
	err = c.Subscribe(benchTopic, consumer.MessageSelector{},
		func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
			for _, m := range msgs {
				select {
				case got <- benchlat.Since(m.Body):
				default:
					return consumer.ConsumeRetryLater, errors.New("receiver full")
				}
			}
			return consumer.ConsumeSuccess, nil
		})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Shutdown() })
	return got
}

// simpleReceiver receives with a 5.x simple consumer in a loop until b
// ends, and sends each message's latency.
func (e *benchEnv) simpleReceiver(b *testing.B) <-chan time.Duration {
	got := make(chan time.Duration, 1024)
	c := e.grpcConsumer(b, "GID_bench_grpc")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	b.Cleanup(func() { cancel(); <-stopped }) // before the consumer stops
	go func() {
		defer close(stopped)
		for ctx.Err() == nil {
			mvs, err := c.Receive(ctx, 32, 30*time.Second)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil && !notFound(err):
				time.Sleep(10 * time.Millisecond) // a pause before the next receive, synchronising nothing; the failure shows as a missing delivery
			}
			for _, m := range mvs {
				select {
				case got <- benchlat.Since(m.GetBody()):
				case <-ctx.Done():
					return
				}
				go c.Ack(context.Background(), m)
			}
		}
	}()
	return got
}
