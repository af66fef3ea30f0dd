package remoting_test

// Side-by-side benchmarks of the two protocols on one broker: a durable
// broker (fsync on, as in package rocketmq's benchmarks) served over MQ
// HTTP and over remoting at once, driven over loopback by each protocol's
// official client. Sub-benchmarks are named proto=http and proto=remoting
// so that benchstat sets them side by side.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"

	"github.com/rocketfn/rocketfn/emulator/internal/benchlat"
	"github.com/rocketfn/rocketfn/emulator/kv"
	localmq "github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// benchEnv is one broker served over both protocols.
type benchEnv struct {
	http       mq.MQClient
	nameServer string
	bolt       *kv.BoltStore // nil with -store=memory
}

// reportGroups reports how many publishes shared a commit of the durable
// store, on average: the store syncs once per commit.
func (e *benchEnv) reportGroups(b *testing.B, before kv.Stats) {
	if e.bolt == nil {
		return
	}
	st := e.bolt.Stats()
	if n := st.Commits - before.Commits; n > 0 {
		b.ReportMetric(float64(st.Updates-before.Updates)/float64(n), "updates/commit")
	}
}

// benchStore picks the benchmarks' broker store: "durable" (the default,
// fsync on), "nosync" (a data directory acknowledged before the disk) or
// "memory", for telling the protocols' costs from the disk's:
//
//	go test -run '^$' -bench . ./emulator/rocketmq/remoting/ -args -store=memory
var benchStore = flag.String("store", "durable", "benchmark broker store: durable, nosync or memory")

// startB opens a broker (in a temporary directory unless -store=memory)
// and serves it over MQ HTTP and remoting on free loopback ports until tb
// ends.
func startB(tb testing.TB) *benchEnv {
	tb.Helper()
	var cfg localmq.Config
	var bolt *kv.BoltStore
	switch *benchStore {
	case "durable", "nosync":
		store, err := kv.OpenBolt(filepath.Join(tb.TempDir(), "rocketmq.db"), kv.Options{NoSync: *benchStore == "nosync"})
		if err != nil {
			tb.Fatal(err)
		}
		bolt, cfg.Broker.Store = store.(*kv.BoltStore), store
	case "memory":
	default:
		tb.Fatalf("-store=%q: want durable, nosync or memory", *benchStore)
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
	srv, err := remoting.New(remoting.Config{Broker: httpSrv.Broker(), Keys: httpSrv.Keys()})
	if err != nil {
		tb.Fatal(err)
	}
	ns, _, err := srv.Start("", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() }) // before the broker closes
	cred := httpSrv.Credentials()
	return &benchEnv{
		http:       mq.NewAliyunMQClient(endpoint, cred.AccessKeyID, cred.AccessKeySecret, ""),
		nameServer: ns,
		bolt:       bolt,
	}
}

// benchClients numbers client instances: the client library shares one
// client among producers and consumers of the same instance name.
var benchClients atomic.Int64

func benchInstance(tb testing.TB) string {
	return fmt.Sprintf("bench-%d", benchClients.Add(1))
}

// startProducer starts a remoting producer with the library's defaults.
func (e *benchEnv) startProducer(tb testing.TB) rocketmq.Producer {
	tb.Helper()
	p, err := rocketmq.NewProducer(producer.WithNameServer([]string{e.nameServer}),
		producer.WithGroupName("GID_bench"), producer.WithInstanceName(benchInstance(tb)))
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Shutdown() })
	return p
}

const benchTopic = "bench"

// BenchmarkPublish publishes 200-byte messages from one goroutine, then
// from 32 at once, over each protocol: over MQ HTTP with the SDK's
// PublishMessage, over remoting with SendSync on one shared producer.
// Each publish returns once the broker has made the message durable.
// updates/commit is how many publishes shared one sync of the durable
// store: the fewer producers wait in the protocol's own code, the more
// share a commit.
func BenchmarkPublish(b *testing.B) {
	body := strings.Repeat("x", 200)
	for _, proto := range []string{"http", "remoting"} {
		for _, producers := range []int{1, 32} {
			b.Run(fmt.Sprintf("proto=%s/producers=%d", proto, producers), func(b *testing.B) {
				e := startB(b)
				var send func() error
				switch proto {
				case "http":
					p := e.http.GetProducer("", benchTopic)
					send = func() error {
						_, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body})
						return err
					}
				case "remoting":
					p := e.startProducer(b)
					send = func() error {
						res, err := p.SendSync(context.Background(), primitive.NewMessage(benchTopic, []byte(body)))
						if err == nil && res.Status != primitive.SendOK {
							err = fmt.Errorf("send status %v", res.Status)
						}
						return err
					}
				}
				if err := send(); err != nil { // creates the topic, finds the route
					b.Fatal(err)
				}
				var before kv.Stats
				if e.bolt != nil {
					before = e.bolt.Stats()
				}
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

// BenchmarkDelivery publishes one message at a time to a consumer that
// waits for it, and measures from the publish call to the consumer
// holding the message: over MQ HTTP a consumer in a loop of long polls
// (ConsumeMessage, 16 at most, 30 s), acking each batch without waiting
// for the ack; over remoting a push consumer. The body carries the time
// of the publish call. Between messages the producer pauses 1 ms (not
// timed) so the consumer is waiting again. send-p50-ms is the publish
// call alone.
func BenchmarkDelivery(b *testing.B) {
	for _, proto := range []string{"http", "remoting"} {
		b.Run("proto="+proto, func(b *testing.B) {
			e := startB(b)
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
				p := e.startProducer(b)
				publish = func(body []byte) error {
					_, err := p.SendSync(context.Background(), primitive.NewMessage(benchTopic, body))
					return err
				}
				got = e.pushReceiver(b)
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
	stop := make(chan struct{})
	b.Cleanup(func() { close(stop) }) // the poll then ends as the server closes
	go func() {
		rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
		for {
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
				if !strings.Contains(err.Error(), "MessageNotExist") {
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
		consumer.WithGroupName("GID_bench_remoting"), consumer.WithInstance(benchInstance(b)))
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
