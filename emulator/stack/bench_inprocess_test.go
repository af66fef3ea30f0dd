package stack_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// benchBatch is the batch of the event-streaming trigger.
const benchBatch = 100

// benchInProcess is BenchmarkChain/in-process: the players handler in
// this process, given event-streaming payloads of 100 CloudEvents built
// as the local EventBridge builds them, writing to the durable
// Tablestore of a stack that runs no function.
func benchInProcess(b *testing.B) {
	s := benchStack(b, "testdata/bench-event-streaming.yaml", []string{})
	app := benchPlayersApp(b, s)
	ctx := benchSTSContext(s)
	benchInvokeAll(b, app, ctx, benchPayloads(0, benchWarmMsgs))
	sent := benchWarmMsgs
	for b.Loop() {
		b.StopTimer()
		payloads := benchPayloads(sent, benchChainMsgs)
		b.StartTimer()
		benchInvokeAll(b, app, ctx, payloads)
		sent += benchChainMsgs
	}
	benchReportRate(b, sent-benchWarmMsgs)
	if n := benchCountRows(b, benchOTS(s), "players"); n != sent {
		b.Fatalf("%d rows after %d messages", n, sent)
	}
}

// benchInvokeAll invokes app with each payload in turn.
func benchInvokeAll(b *testing.B, app *fn.App, ctx context.Context, payloads [][]byte) {
	for _, p := range payloads {
		if _, err := app.Invoke(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPlayer is functions/players' Player: the body and the row.
type benchPlayer struct {
	ID   string `json:"id" tablestore:"id,pk"`
	Name string `json:"name" tablestore:"Name"`
	Job  string `json:"job" tablestore:"Job"`
	Hero string `json:"hero" tablestore:"Hero"`
}

// benchPlayersApp is the players function's App (functions/players newApp and
// savePlayer) on the stack's Tablestore, with its table created.
func benchPlayersApp(b *testing.B, s *stack.Stack) *fn.App {
	cred := s.Tablestore.Credentials()
	db, err := store.Open(store.Config{Endpoint: s.TablestoreEndpoint, Instance: s.Tablestore.Instance(),
		Credentials: fn.Credentials{AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret}})
	if err != nil {
		b.Fatal(err)
	}
	players, err := store.NewTable[benchPlayer](db, "players")
	if err != nil {
		b.Fatal(err)
	}
	if err := players.Ensure(context.Background(), store.TableOptions{}); err != nil {
		b.Fatal(err)
	}
	app := fn.New(fn.WithCommitter(db))
	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p benchPlayer) error {
		if p.ID == "" {
			return errors.New(`player body: field "id" is missing or empty`)
		}
		return players.Put(ctx, p)
	}))
	return app
}

// benchSTSContext carries an invocation with STS credentials of the stack's
// Tablestore, as the stack passes them to the function process.
func benchSTSContext(s *stack.Stack) context.Context {
	c := s.Tablestore.IssueSTS(time.Hour)
	return fn.NewContext(context.Background(), &fn.Invocation{RequestID: "bench", Credentials: fn.Credentials{
		AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}})
}

// benchPayloads are the payloads of players from..from+n-1 in arrays
// of benchBatch.
func benchPayloads(from, n int) [][]byte {
	var out [][]byte
	for i := from; i < from+n; i += benchBatch {
		events := make([]json.RawMessage, 0, benchBatch)
		for k := i; k < min(i+benchBatch, from+n); k++ {
			events = append(events, benchCloudEvent(k))
		}
		p, _ := json.Marshal(events)
		out = append(out, p)
	}
	return out
}

// benchEnvelope and benchData are a CloudEvent as the local EventBridge builds
// it from a RocketMQ message (emulator/eventbridge/cloudevent.go).
type benchEnvelope struct {
	ID                string    `json:"id"`
	Source            string    `json:"source"`
	SpecVersion       string    `json:"specversion"`
	Type              string    `json:"type"`
	DataContentType   string    `json:"datacontenttype"`
	Subject           string    `json:"subject"`
	Time              string    `json:"time"`
	AccountID         string    `json:"aliyunaccountid"`
	PublishTime       string    `json:"aliyunpublishtime"`
	OriginalAccountID string    `json:"aliyunoriginalaccountid"`
	EventBusName      string    `json:"aliyuneventbusname"`
	RegionID          string    `json:"aliyunregionid"`
	PublishAddr       string    `json:"aliyunpublishaddr"`
	Data              benchData `json:"data"`
}

type benchData struct {
	Topic            string            `json:"topic"`
	SystemProperties map[string]any    `json:"systemProperties"`
	UserProperties   map[string]string `json:"userProperties"`
	Body             string            `json:"body"`
}

// benchCloudEvent is the CloudEvent of player i's message, with a new message
// ID and event id.
func benchCloudEvent(i int) json.RawMessage {
	now := time.Now()
	at := now.UTC().Format("2006-01-02T15:04:05.000Z")
	source := "RocketMQ-players-" + benchTrigger
	ev := benchEnvelope{
		ID: rand.Text(), Source: source, SpecVersion: "1.0", Type: "mq:Topic:SendMessage",
		DataContentType: "application/json; charset=utf-8", Subject: "acs:mq:cn-hangzhou:1234567890123456:%players",
		Time: at, AccountID: "1234567890123456", PublishTime: at, OriginalAccountID: "1234567890123456",
		EventBusName: source, RegionID: "cn-hangzhou", PublishAddr: "127.0.0.1",
		Data: benchData{Topic: "players", UserProperties: map[string]string{}, Body: benchPlayerBody(i),
			SystemProperties: map[string]any{
				"UNIQ_KEY": benchMessageID(), "MIN_OFFSET": "0",
				"MAX_OFFSET": strconv.Itoa(i + 1), "MSG_REGION": "cn-hangzhou", "TRACE_ON": "true",
				"BORN_TIMESTAMP": strconv.FormatInt(now.UnixMilli(), 10), "CONSUME_START_TIME": now.UnixMilli(),
				"TAGS": "register",
			}},
	}
	out, _ := json.Marshal(ev)
	return out
}

// benchMessageID is a random RocketMQ message ID: 32 uppercase hex digits.
func benchMessageID() string {
	var id [16]byte
	rand.Read(id[:])
	return strings.ToUpper(hex.EncodeToString(id[:]))
}
