package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
)

// freeRemoting places the name server and broker on free loopback ports,
// freeGRPC the 5.x gRPC endpoint.
var (
	freeRemoting = []string{"--nameserver-listen", "127.0.0.1:0", "--remoting-listen", "127.0.0.1:0"}
	freeGRPC     = []string{"--grpc-listen", "127.0.0.1:0"}
)

// lockedBuffer is a strings.Builder safe for a writer and readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startBanner runs serve (rocketfn mq or dev writing to stdout) until the
// end of the test and returns its banner and the variables it exported.
func startBanner(t *testing.T, stop time.Duration, serve func(ctx context.Context, stdout io.Writer) error, names ...string) (string, map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, w)
		w.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(stop):
			t.Errorf("did not stop within %v of the cancel", stop)
		}
	})
	var banner lockedBuffer
	env := readBanner(t, io.TeeReader(out, &banner), names...)
	return banner.String(), env
}

// TestMQInProcess runs "rocketfn mq" in memory, publishes and consumes
// through the official SDK with the credentials its banner printed, and
// stops it.
func TestMQInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serveMQ(ctx, slices.Concat([]string{"--listen", "127.0.0.1:0", "--memory"}, freeRemoting, freeGRPC), w, io.Discard)
		w.Close()
	}()
	env := readBanner(t, out, envMQEndpoint, envAccessKeyID, envAccessKeySecret)
	c := mq.NewAliyunMQClient(env[envMQEndpoint], env[envAccessKeyID], env[envAccessKeySecret], "")
	if _, err := c.GetProducer("", "t").PublishMessage(mq.PublishMessageRequest{MessageBody: "hello"}); err != nil {
		t.Fatal(err)
	}
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go c.GetConsumer("", "t", "GID_cli", "").ConsumeMessage(rc, ec, 1, 3)
	select {
	case r := <-rc:
		if len(r.Messages) != 1 || r.Messages[0].MessageBody != "hello" {
			t.Fatalf("consumed %+v", r.Messages)
		}
	case err := <-ec:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveMQ: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveMQ did not return after cancel")
	}
}

// The official rocketmq-client-go and 5.x client have data races of
// their own, which must not fail these race-checked tests: they run in
// the driver program of emulator/internal/rmqclient, in a process of its
// own. This package cannot import that package, so driverRequest,
// driverMessage and driverReply mirror the lines of its package wire that
// sendThrough and sendGRPC use.
type driverRequest struct {
	ID          int             `json:"id"`
	Op          string          `json:"op"`
	Name        string          `json:"name"`
	NameServer  []string        `json:"nameServer,omitempty"`
	Endpoint    string          `json:"endpoint,omitempty"` // of the 5.x client
	Topics      []string        `json:"topics,omitempty"`   // of a 5.x producer
	Namespace   string          `json:"namespace,omitempty"`
	AccessKey   string          `json:"accessKey,omitempty"`
	SecretKey   string          `json:"secretKey,omitempty"`
	SendTimeout time.Duration   `json:"sendTimeout,omitempty"`
	Topic       string          `json:"topic,omitempty"`
	Messages    []driverMessage `json:"messages,omitempty"`
}

type driverMessage struct {
	Body string `json:"body"`
}

type driverReply struct {
	ID     int    `json:"id"`
	Error  string `json:"error,omitempty"`
	Result *struct {
		MsgID  string `json:"msgId"`
		Status int    `json:"status"`
	} `json:"result,omitempty"`
}

var rmqDriver struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// rmqDriverPath builds the driver once per test process;
// cleanupRMQDriver removes it.
func rmqDriverPath(t *testing.T) string {
	t.Helper()
	rmqDriver.once.Do(func() {
		if rmqDriver.dir, rmqDriver.err = os.MkdirTemp("", "rmqclient"); rmqDriver.err != nil {
			return
		}
		rmqDriver.path = filepath.Join(rmqDriver.dir, "rmqclient")
		cmd := exec.Command("go", "build", "-o", rmqDriver.path, "github.com/rocketfn/rocketfn/emulator/internal/rmqclient/cmd/rmqclient")
		if out, err := cmd.CombinedOutput(); err != nil {
			rmqDriver.err = fmt.Errorf("building the rocketmq-client-go driver: %v\n%s", err, out)
		}
	})
	if rmqDriver.err != nil {
		t.Fatal(rmqDriver.err)
	}
	return rmqDriver.path
}

func cleanupRMQDriver() {
	if rmqDriver.dir != "" {
		os.RemoveAll(rmqDriver.dir)
	}
}

// sendThrough sends body to topic with rocketmq-client-go through the
// name server, from a producer named t.Name() (retries off, 5 s send
// timeout) in a driver process of its own; with sets further producer
// options (name, namespace, credentials). It returns the error the
// client reported for the send.
func sendThrough(t *testing.T, nameServer, topic, body string, with ...func(*driverRequest)) error {
	t.Helper()
	p := driverRequest{Op: "producer", Name: t.Name(), NameServer: []string{nameServer}, SendTimeout: 5 * time.Second}
	return driverSend(t, p, "send", topic, body, with...)
}

// sendGRPC sends body to topic with the 5.x client through the gRPC
// endpoint (over TLS, the client's default), from a producer named
// t.Name() in a driver process of its own; with sets further producer
// options (name, namespace, credentials). It returns the error the client
// reported for the send.
func sendGRPC(t *testing.T, endpoint, topic, body string, with ...func(*driverRequest)) error {
	t.Helper()
	return driverSend(t, driverRequest{Op: "v5producer", Name: t.Name(), Endpoint: endpoint}, "v5send", topic, body, with...)
}

// driverSend starts the producer p, edited by with, in a driver process
// and sends body to topic with it (op send or v5send).
func driverSend(t *testing.T, p driverRequest, op, topic, body string, with ...func(*driverRequest)) error {
	t.Helper()
	for _, w := range with {
		w(&p)
	}
	p.ID = 1
	var r driverReply
	converse(t, func(ask func(driverRequest) driverReply) {
		if r = ask(p); r.Error != "" {
			t.Fatalf("start the producer: %q", r.Error)
		}
		r = ask(driverRequest{ID: 2, Op: op, Name: p.Name, Topic: topic, Messages: []driverMessage{{Body: body}}})
	})
	if r.Error != "" {
		return errors.New(r.Error)
	}
	if r.Result == nil || r.Result.Status != 0 || r.Result.MsgID == "" {
		t.Fatalf("send %q to %s: result %+v, want a message ID and status SendOK", body, topic, r.Result)
	}
	return nil
}

// converse runs the driver for talk, whose ask writes a request and
// returns its reply: a request is written once the one before is answered
// (the driver runs 5.x ops concurrently). At the end of its input the
// driver shuts its clients down and exits.
func converse(t *testing.T, talk func(ask func(driverRequest) driverReply)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, rmqDriverPath(t))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	enc, dec := json.NewEncoder(stdin), json.NewDecoder(stdout)
	talk(func(req driverRequest) driverReply {
		t.Helper()
		if err := enc.Encode(req); err != nil {
			t.Fatalf("rocketmq client driver: %v\n%s", err, stderr.String())
		}
		for {
			var r driverReply
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("rocketmq client driver, answering %s: %v\n%s", req.Op, err, stderr.String())
			}
			if r.ID == req.ID {
				return r
			}
		}
	})
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("rocketmq client driver: %v\n%s", err, stderr.String())
	}
}

// consumeHTTP consumes one message of topic over MQ HTTP, as GID_cli, with
// the endpoint and key the banner exported, and returns its body.
func consumeHTTP(t *testing.T, env map[string]string, topic string) string {
	t.Helper()
	c := mq.NewAliyunMQClient(env[envMQEndpoint], env[envAccessKeyID], env[envAccessKeySecret], "")
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go c.GetConsumer("", topic, "GID_cli", "").ConsumeMessage(rc, ec, 1, 3)
	select {
	case r := <-rc:
		if len(r.Messages) != 1 {
			t.Fatalf("consumed %+v, want one message", r.Messages)
		}
		return r.Messages[0].MessageBody
	case err := <-ec:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	return ""
}

// TestMQRemoting: "rocketfn mq" prints its name server with the
// rocketmq-client-go options that reach it; a message sent through it
// with rocketmq-client-go is consumed over MQ HTTP.
func TestMQRemoting(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, slices.Concat([]string{"--listen", "127.0.0.1:0", "--memory"}, freeRemoting, freeGRPC), stdout, io.Discard)
	}, envMQEndpoint, envNameServer, envAccessKeyID, envAccessKeySecret)
	ns := env[envNameServer]
	for _, want := range []string{"  name server:       " + ns + "  broker 127.0.0.1:",
		`p, err := rocketmq.NewProducer(producer.WithNameServer([]string{"` + ns + `"}))`,
		`c, err := rocketmq.NewPushConsumer(consumer.WithNameServer([]string{"` + ns + `"}),`, `consumer.WithGroupName("GID_example"))`} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "WithCredentials") {
		t.Errorf("the banner signs requests without --acl:\n%s", banner)
	}
	if err := sendThrough(t, ns, "t", "over remoting"); err != nil {
		t.Fatalf("send through the name server: %v", err)
	}
	if got := consumeHTTP(t, env, "t"); got != "over remoting" {
		t.Fatalf("consumed %q", got)
	}
}

// TestMQGRPC: "rocketfn mq" prints its 5.x gRPC endpoint, exports it and
// shows the 5.x client's constructors that reach it; a message sent there
// with the 5.x client is consumed over MQ HTTP.
func TestMQGRPC(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, slices.Concat([]string{"--listen", "127.0.0.1:0", "--memory", "--topic", "orders"}, freeRemoting, freeGRPC), stdout, io.Discard)
	}, envMQEndpoint, envGRPCEndpoint, envAccessKeyID, envAccessKeySecret)
	ep := env[envGRPCEndpoint]
	for _, want := range []string{"  5.x gRPC endpoint: " + ep + "\n",
		`import rmq "github.com/apache/rocketmq-clients/golang/v5"`,
		`p, err := rmq.NewProducer(&rmq.Config{Endpoint: "` + ep + `",` + "\n      Credentials: &credentials.SessionCredentials{}},\n      " + `rmq.WithTopics("orders"))`,
		`c, err := rmq.NewSimpleConsumer(&rmq.Config{Endpoint: "` + ep + `", ConsumerGroup: "GID_example",`,
		`rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{"orders": rmq.SUB_ALL}))`} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "NameSpace") || strings.Contains(banner, "AccessSecret") {
		t.Errorf("the banner's 5.x client has a namespace, or signs without --acl:\n%s", banner)
	}
	if err := sendGRPC(t, ep, "orders", "over grpc"); err != nil {
		t.Fatalf("send to the gRPC endpoint: %v", err)
	}
	if got := consumeHTTP(t, env, "orders"); got != "over grpc" {
		t.Fatalf("consumed %q", got)
	}
}

// TestMQACL: with --acl the banner's snippets sign with the access key;
// over remoting and gRPC, an unsigned send is refused and a signed one
// accepted.
func TestMQACL(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, slices.Concat([]string{"--listen", "127.0.0.1:0", "--memory", "--acl"}, freeRemoting, freeGRPC), stdout, io.Discard)
	}, envNameServer, envGRPCEndpoint, envAccessKeyID, envAccessKeySecret)
	id, secret := env[envAccessKeyID], env[envAccessKeySecret]
	for _, want := range []string{"broker 127.0.0.1:", "  5.x gRPC endpoint: " + env[envGRPCEndpoint] + "  (signed requests only: --acl)\n",
		`producer.WithCredentials(primitive.Credentials{AccessKey: "` + id + `", SecretKey: "` + secret + `"}))`,
		`consumer.WithCredentials(primitive.Credentials{AccessKey: "` + id + `", SecretKey: "` + secret + `"}))`,
		`Credentials: &credentials.SessionCredentials{AccessKey: "` + id + `", AccessSecret: "` + secret + `"}},`} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	if err := sendThrough(t, env[envNameServer], "t", "unsigned"); err == nil {
		t.Error("unsigned send with --acl: accepted")
	}
	if err := sendThrough(t, env[envNameServer], "t", "signed", func(r *driverRequest) {
		r.Name, r.AccessKey, r.SecretKey = t.Name()+"-signed", id, secret
	}); err != nil {
		t.Errorf("signed send with --acl: %v", err)
	}
	if strings.Count(banner, "(signed requests only: --acl)") != 2 {
		t.Errorf("the banner does not note --acl on the name server and the gRPC endpoint:\n%s", banner)
	}
	if err := sendGRPC(t, env[envGRPCEndpoint], "t", "unsigned"); err == nil || !strings.Contains(err.Error(), "UNAUTHORIZED") {
		t.Errorf("unsigned 5.x send with --acl: %v, want UNAUTHORIZED", err)
	}
	if err := sendGRPC(t, env[envGRPCEndpoint], "t", "signed", func(r *driverRequest) {
		r.Name, r.AccessKey, r.SecretKey = t.Name()+"-signed", id, secret
	}); err != nil {
		t.Errorf("signed 5.x send with --acl: %v", err)
	}
}

// TestMQNoRemoting: with --no-remoting the banner has no name server.
func TestMQNoRemoting(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, append([]string{"--listen", "127.0.0.1:0", "--memory", "--no-remoting"}, freeGRPC...), stdout, io.Discard)
	}, envMQEndpoint)
	if env[envNameServer] != "" || strings.Contains(banner, "name server") || strings.Contains(banner, "rocketmq-client-go") || strings.Contains(banner, "WithNameServer") {
		t.Errorf("--no-remoting: the banner offers a name server:\n%s", banner)
	}
	if !strings.Contains(banner, "mq_http_sdk.NewAliyunMQClient(") {
		t.Errorf("--no-remoting: the banner lacks the MQ HTTP client:\n%s", banner)
	}
}

// TestMQNoGRPC: with --no-grpc the banner has no gRPC endpoint, export or
// 5.x client; the remoting protocol is still served.
func TestMQNoGRPC(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, append([]string{"--listen", "127.0.0.1:0", "--memory", "--no-grpc"}, freeRemoting...), stdout, io.Discard)
	}, envMQEndpoint, envNameServer)
	if env[envGRPCEndpoint] != "" || strings.Contains(banner, "gRPC") || strings.Contains(banner, "rmq.") {
		t.Errorf("--no-grpc: the banner offers a gRPC endpoint:\n%s", banner)
	}
	if !strings.Contains(banner, "rocketmq.NewProducer(") {
		t.Errorf("--no-grpc: the banner lacks the remoting client:\n%s", banner)
	}
}

func TestMQFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--memory", "--data", "x"}, {"--log-level", "loud"}, {"--access-key-id", ""}, {"extra"},
		{"--nameserver-listen", ""}, {"--remoting-listen", ""}, {"--grpc-listen", ""}, {"--no-remoting", "--nameserver-listen", "127.0.0.1:0"},
		{"--no-remoting", "--remoting-listen", "127.0.0.1:0"}, {"--no-grpc", "--grpc-listen", "127.0.0.1:0"},
		{"--no-remoting", "--no-grpc", "--acl"}} {
		if err := serveMQ(t.Context(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
	f, err := parseMQFlags(nil, io.Discard)
	if want := (protocolFlags{nameListen: "127.0.0.1:9876", brokerListen: "127.0.0.1:10911", grpcListen: "127.0.0.1:8081"}); err != nil || f.protocols != want {
		t.Errorf("default protocol flags %+v (%v), want %+v", f.protocols, err, want)
	}
	// --acl applies to whichever protocol is served.
	for _, args := range [][]string{{"--no-remoting", "--acl"}, {"--no-grpc", "--acl"}} {
		if f, err := parseMQFlags(args, io.Discard); err != nil || !f.protocols.acl {
			t.Errorf("%v: %v", args, err)
		}
	}
}
