package main

// BenchmarkBatch100 is the side-by-side benchmark of the issue: a
// 100-message batch through the handler into the local Tablestore, with
// rocketfn's coalesced writes and with naive one-PutRow-per-message code.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// benchBatch is the number of messages per invocation.
const benchBatch = 100

// BenchmarkBatch100 invokes the function with batches of 100 players, as
// an event-streaming trigger delivers them, against a durable local
// Tablestore (a data directory, fsync on) over loopback:
//
//   - rocketfn: the function's App, whose committer applies the
//     invocation's 100 writes together in one BatchWriteRow;
//   - naive: an App without committer whose handler makes one SDK PutRow
//     per message with a client made once from the static access key, as
//     hand-written functions do.
//
// Every iteration writes 100 new rows: message IDs and player ids are
// new each time, so no write is a redelivery. Both report rows/s,
// requests/op (HTTP requests to the Tablestore per batch) and writes/op
// (those of them that write: BatchWriteRow, PutRow, UpdateRow).
func BenchmarkBatch100(b *testing.B) {
	b.Run("rocketfn", func(b *testing.B) {
		ts := otstest.NewWithConfig(b, ots.Config{Dir: b.TempDir()})
		counter := newCountingTransport()
		cfg := ts.StoreConfig()
		cfg.Transport = counter
		db, err := store.Open(cfg)
		if err != nil {
			b.Fatal(err)
		}
		runBatches(b, ts, counter, newPlayersApp(b, db))
	})
	b.Run("naive", func(b *testing.B) {
		ts := otstest.NewWithConfig(b, ots.Config{Dir: b.TempDir()})
		if err := createTable(context.Background(), ts.DB(b), DefaultTable); err != nil {
			b.Fatal(err)
		}
		counter := newCountingTransport()
		conf := tablestore.NewDefaultTableStoreConfig()
		conf.Transport = counter
		client := tablestore.NewClientWithConfig(ts.Endpoint, ts.Instance, ts.Credentials.AccessKeyID, ts.Credentials.AccessKeySecret, "", conf)
		runBatches(b, ts, counter, naiveApp(client, DefaultTable))
	})
}

// naiveApp is the function written without rocketfn's persistence: each
// message is one PutRow, made and waited for before the next message.
func naiveApp(client *tablestore.TableStoreClient, table string) *fn.App {
	app := fn.New()
	app.Handle(Topic, "*", fn.Typed(func(ctx context.Context, p Player) error {
		pk := new(tablestore.PrimaryKey)
		pk.AddPrimaryKeyColumn("id", p.ID)
		ch := &tablestore.PutRowChange{TableName: table, PrimaryKey: pk}
		ch.AddColumn("Name", p.Name)
		ch.AddColumn("Job", p.Job)
		ch.AddColumn("Hero", p.Hero)
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		if _, err := client.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
			return fmt.Errorf("put player %q: %w", p.ID, err)
		}
		return nil
	}))
	return app
}

// runBatches times app.Invoke on a new 100-message batch per iteration,
// the payload built with the timer stopped, then checks that the last
// batch's rows are there.
func runBatches(b *testing.B, ts *otstest.Server, counter *countingTransport, app *fn.App) {
	ctx := context.Background()
	counter.reset()
	iters := 0
	for b.Loop() {
		b.StopTimer()
		payload := batchPayload(iters)
		b.StartTimer()
		if _, err := app.Invoke(ctx, payload); err != nil {
			b.Fatalf("batch %d: %v", iters, err)
		}
		iters++
	}
	b.ReportMetric(float64(iters*benchBatch)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(counter.requests.Load())/float64(iters), "requests/op")
	b.ReportMetric(float64(counter.writes.Load())/float64(iters), "writes/op")
	last := benchPlayer(iters-1, benchBatch-1)
	if got, ok := getPlayer(b, ts, DefaultTable, last.ID); !ok || got != last {
		b.Fatalf("row %q after the last batch: %+v (found %v), want %+v", last.ID, got, ok, last)
	}
}

// benchPlayer is player k of batch n.
func benchPlayer(n, k int) Player {
	return Player{ID: fmt.Sprintf("p%08d-%03d", n, k), Name: fmt.Sprintf("player-%d-%d", n, k), Job: "mage", Hero: "Yasuo"}
}

// benchEvent is one element of an event-streaming payload, shaped like
// those of testdata/players-batch.json. Its verbs: CloudEvent id, UNIQ_KEY,
// KEYS, and the body as a JSON string.
const benchEvent = `{"id":%q,"source":"RocketMQ-players-rocketmq-players","specversion":"1.0",` +
	`"type":"mq:Topic:SendMessage","datacontenttype":"application/json; charset=utf-8",` +
	`"subject":"acs:mq:cn-hangzhou:164901546557****:MQ_INST_164901546557****_BXhFHryi%%players",` +
	`"time":"2021-04-08T06:01:20.766Z","aliyunaccountid":"164901546557****",` +
	`"aliyunpublishtime":"2021-10-15T02:05:16.791Z","aliyunoriginalaccountid":"164901546557****",` +
	`"aliyuneventbusname":"RocketMQ-players-rocketmq-players","aliyunregionid":"cn-chengdu",` +
	`"aliyunpublishaddr":"42.120.XX.XX","data":{"topic":"players","systemProperties":{` +
	`"MIN_OFFSET":"0","TRACE_ON":"true","MAX_OFFSET":"100","MSG_REGION":"cn-hangzhou","KEYS":%q,` +
	`"CONSUME_START_TIME":1628577790396,"TAGS":"register","INSTANCE_ID":"MQ_INST_164901546557****_BXhFHryi",` +
	`"UNIQ_KEY":%q},"userProperties":{"region":"cn"},"body":%q}}`

// batchPayload is the payload of batch n: a JSON array of benchBatch
// CloudEvents whose message IDs and players are new to batch n.
func batchPayload(n int) []byte {
	buf := make([]byte, 0, benchBatch*1100)
	buf = append(buf, '[')
	for k := range benchBatch {
		if k > 0 {
			buf = append(buf, ',')
		}
		p := benchPlayer(n, k)
		body := fmt.Sprintf(`{"id":%q,"name":%q,"job":%q,"hero":%q}`, p.ID, p.Name, p.Job, p.Hero)
		msgID := fmt.Sprintf("AC14C305069E1B28%08X%04X", n, k)
		buf = fmt.Appendf(buf, benchEvent, fmt.Sprintf("ce-%08d-%03d", n, k), "player-"+p.ID, msgID, body)
	}
	return append(buf, ']')
}

// countingTransport counts the HTTP requests made through it.
type countingTransport struct {
	base     http.RoundTripper
	requests atomic.Int64
	writes   atomic.Int64 // BatchWriteRow, PutRow and UpdateRow
}

func newCountingTransport() *countingTransport {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 64
	return &countingTransport{base: base}
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	switch r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:] {
	case "BatchWriteRow", "PutRow", "UpdateRow":
		c.writes.Add(1)
	}
	return c.base.RoundTrip(r)
}

func (c *countingTransport) reset() {
	c.requests.Store(0)
	c.writes.Store(0)
}
