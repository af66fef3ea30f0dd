package stack_test

// Benchmarks of the whole chain: player messages published with the
// official MQ HTTP SDK to the local RocketMQ, taken over by the local
// EventBridge, delivered to the players function running as a process,
// written by it to the local Tablestore. Data is durable (a data
// directory, fsync on) and the clock is the real one. bench.sh runs them
// with -count=6 and prints the ratios.

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

const (
	// benchChainMsgs is how many messages one op of BenchmarkChain carries: a
	// multiple of the streaming batch, so that no batch waits for its
	// window to end.
	benchChainMsgs = 1000
	// benchWarmMsgs go through before the timer starts: the function's
	// instance starts and creates its table, connections open.
	benchWarmMsgs = 100
	// benchPublishers is how many goroutines publish at once.
	benchPublishers = 16
	// benchTrigger is the trigger of the testdata/bench-*.yaml files.
	benchTrigger = "players-rocketmq"
)

// BenchmarkChain reports the throughput, msgs/s, from the first publish
// of an op's benchChainMsgs messages until the bridge has delivered all of
// them (the function answers once its rows are committed), and the time
// per message, µs/msg:
//
//   - event-driven: one message per invocation;
//   - event-streaming-batch100: batches of 100 (TimeBasedWindow 1);
//   - in-process: the same batches of 100 CloudEvents handed to the
//     players handler in this process, against the same durable local
//     Tablestore: the floor without RocketMQ, EventBridge, HTTP and a
//     process.
//
// After the op the rows are counted with the official Tablestore SDK.
func BenchmarkChain(b *testing.B) {
	b.Run("event-driven", func(b *testing.B) { benchChain(b, "testdata/bench-event-driven.yaml") })
	b.Run("event-streaming-batch100", func(b *testing.B) { benchChain(b, "testdata/bench-event-streaming.yaml") })
	b.Run("in-process", benchInProcess)
}

// benchChain measures the stack of file.
func benchChain(b *testing.B, file string) {
	s := benchStack(b, file, nil)
	pub := newBenchPublisher(b, s)
	pub.publish(b, 0, benchWarmMsgs)
	benchWaitDelivered(b, s, benchWarmMsgs)
	sent := benchWarmMsgs
	for b.Loop() {
		pub.publish(b, sent, benchChainMsgs)
		sent += benchChainMsgs
		benchWaitDelivered(b, s, sent)
	}
	benchReportRate(b, sent-benchWarmMsgs)
	if n := benchCountRows(b, benchOTS(s), "players"); n != sent {
		b.Fatalf("%d rows after %d messages", n, sent)
	}
}

// BenchmarkLatency publishes one message at a time and reports the
// percentiles of the time from the publish call until its row is
// readable with the official Tablestore SDK: until the bridge reports
// the invocation delivered (the function answers once its rows are
// committed), and a GetRow then finds the row. The wait is woken by the
// bridge's invocation records, so it takes no core from the chain:
// behind an event-driven trigger (publish-to-row), then behind an
// event-streaming trigger with TimeBasedWindow 0, which cuts a batch as
// soon as an event waits (publish-to-row-streaming-window0).
func BenchmarkLatency(b *testing.B) {
	b.Run("publish-to-row", func(b *testing.B) { benchLatency(b, "testdata/bench-event-driven.yaml") })
	b.Run("publish-to-row-streaming-window0", func(b *testing.B) {
		benchLatency(b, "testdata/bench-event-streaming-window0.yaml")
	})
}

func benchLatency(b *testing.B, file string) {
	s := benchStack(b, file, nil)
	pub := newBenchPublisher(b, s)
	pub.publish(b, 0, benchWarmMsgs)
	benchWaitDelivered(b, s, benchWarmMsgs)
	client := benchOTS(s)
	var lat []time.Duration
	for i := benchWarmMsgs; b.Loop(); i++ {
		start := time.Now()
		pub.publish(b, i, 1)
		benchWaitDelivered(b, s, i+1)
		benchReadRow(b, client, benchPlayerID(i))
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	for _, q := range []struct {
		unit string
		at   float64
	}{{"p50-µs", 0.50}, {"p99-µs", 0.99}} {
		b.ReportMetric(float64(lat[int(q.at*float64(len(lat)-1))].Microseconds()), q.unit)
	}
}

// benchStack starts the stack of file with durable data on the real
// clock until the benchmark ends; functions limits the functions run.
func benchStack(b *testing.B, file string, functions []string) *stack.Stack {
	b.Helper()
	proj, err := syaml.Load(file)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, stack.Config{Project: proj, DataDir: b.TempDir(), Functions: functions})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// benchPublisher publishes player messages with the official MQ HTTP SDK.
type benchPublisher struct{ p mq.MQProducer }

func newBenchPublisher(b *testing.B, s *stack.Stack) benchPublisher {
	cred := s.MQ.Credentials()
	return benchPublisher{mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "").GetProducer("", "players")}
}

// publish publishes players from..from+n-1 from up to benchPublishers
// goroutines and returns when every publish has been answered.
func (pb benchPublisher) publish(b *testing.B, from, n int) {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range min(n, benchPublishers) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < from+n; i = int(next.Add(1) - 1) {
				req := mq.PublishMessageRequest{MessageBody: benchPlayerBody(i), MessageTag: "register"}
				if _, err := pb.p.PublishMessage(req); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

// benchPlayerID is the id of player i.
func benchPlayerID(i int) string { return fmt.Sprintf("p%08d", i) }

// benchPlayerBody is the message body of player i.
func benchPlayerBody(i int) string {
	return fmt.Sprintf(`{"id":%q,"name":"player-%d","job":"mage","hero":"Lux"}`, benchPlayerID(i), i)
}

// benchWaitDelivered waits until the bench trigger has delivered n
// events, looking at its Stats whenever the bridge sends an invocation
// record (sent once the invocation is counted).
func benchWaitDelivered(b *testing.B, s *stack.Stack, n int) {
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	for {
		st := s.Bridge.Stats(benchTrigger)
		switch {
		case st.Delivered >= int64(n):
			return
		case st.Failed > 0:
			b.Fatalf("waiting for %d events to be delivered: %+v", n, st)
		}
		select {
		case <-s.Bridge.Events():
		case <-timeout.C:
			b.Fatalf("waiting for %d events to be delivered: %+v", n, s.Bridge.Stats(benchTrigger))
		}
	}
}

// benchOTS is an official Tablestore SDK client of the stack's
// Tablestore.
func benchOTS(s *stack.Stack) *tablestore.TableStoreClient {
	cred := s.Tablestore.Credentials()
	return tablestore.NewClient(s.TablestoreEndpoint, s.Tablestore.Instance(), cred.AccessKeyID, cred.AccessKeySecret)
}

// benchReadRow reads the players row id with GetRow, failing when it
// is not there.
func benchReadRow(b *testing.B, c *tablestore.TableStoreClient, id string) {
	pk := new(tablestore.PrimaryKey)
	pk.AddPrimaryKeyColumn("id", id)
	req := &tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
		TableName: "players", PrimaryKey: pk, MaxVersion: 1, ColumnsToGet: []string{"Name"}}}
	resp, err := c.GetRow(req)
	if err != nil || len(resp.Columns) == 0 {
		b.Fatalf("row %s not readable once its message was delivered (error: %v)", id, err)
	}
}

// benchCountRows counts the rows of the players table.
func benchCountRows(t testing.TB, c *tablestore.TableStoreClient, table string) int {
	n := 0
	scanTableRows(t, c, table, []string{"Name"}, func(string, map[string]any) { n++ })
	return n
}

// scanTableRows calls f with the id and the columns cols of every row of
// table (whose primary key is id), read with GetRange a page at a time.
func scanTableRows(t testing.TB, c *tablestore.TableStoreClient, table string, cols []string, f func(id string, cols map[string]any)) {
	t.Helper()
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	start.AddPrimaryKeyColumnWithMinValue("id")
	end.AddPrimaryKeyColumnWithMaxValue("id")
	for start != nil {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, ColumnsToGet: cols}})
		if err != nil {
			t.Fatalf("GetRange %s: %v", table, err)
		}
		for _, r := range resp.Rows {
			vals := map[string]any{}
			for _, col := range r.Columns {
				vals[col.ColumnName] = col.Value
			}
			f(r.PrimaryKey.PrimaryKeys[0].Value.(string), vals)
		}
		start = resp.NextStartPrimaryKey
	}
}

// benchReportRate reports msgs/s and µs/msg for n messages in the timed part.
func benchReportRate(b *testing.B, n int) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/msg")
}
