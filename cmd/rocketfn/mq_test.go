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
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
)

// freeRemoting places the name server and broker on free loopback ports.
var freeRemoting = []string{"--nameserver-listen", "127.0.0.1:0", "--remoting-listen", "127.0.0.1:0"}

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
		done <- serveMQ(ctx, append([]string{"--listen", "127.0.0.1:0", "--memory"}, freeRemoting...), w, io.Discard)
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

// The official rocketmq-client-go has data races of its own, which must
// not fail these race-checked tests: it runs in the driver program of
// emulator/internal/rmqclient, in a process of its own. This package
// cannot import that package, so driverRequest, driverMessage and
// driverReply mirror the lines of its package wire that sendThrough uses.
type driverRequest struct {
	ID          int             `json:"id"`
	Op          string          `json:"op"`
	Name        string          `json:"name"`
	NameServer  []string        `json:"nameServer,omitempty"`
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
	p := driverRequest{ID: 1, Op: "producer", Name: t.Name(), NameServer: []string{nameServer}, SendTimeout: 5 * time.Second}
	for _, w := range with {
		w(&p)
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	enc.Encode(p)
	enc.Encode(driverRequest{ID: 2, Op: "send", Name: p.Name, Topic: topic, Messages: []driverMessage{{Body: body}}})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	// The driver answers each line in turn and, at the end of its input,
	// shuts the producer down and exits.
	cmd := exec.CommandContext(ctx, rmqDriverPath(t))
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("rocketmq-client-go driver: %v\n%s", err, stderr)
	}
	replies := map[int]driverReply{}
	for _, line := range bytes.Split(out, []byte("\n")) {
		var r driverReply
		if json.Unmarshal(line, &r) == nil && r.ID != 0 {
			replies[r.ID] = r
		}
	}
	if r, ok := replies[1]; !ok || r.Error != "" {
		t.Fatalf("start the producer: %q (answered %v)", r.Error, ok)
	}
	r, ok := replies[2]
	if !ok {
		t.Fatalf("the driver did not answer the send:\n%s", out)
	}
	if r.Error != "" {
		return errors.New(r.Error)
	}
	if r.Result == nil || r.Result.Status != 0 {
		t.Fatalf("send %q to %s: result %+v, want status SendOK", body, topic, r.Result)
	}
	return nil
}

// TestMQRemoting: "rocketfn mq" prints its name server with the
// rocketmq-client-go options that reach it; a message sent through it
// with rocketmq-client-go is consumed over MQ HTTP.
func TestMQRemoting(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, append([]string{"--listen", "127.0.0.1:0", "--memory"}, freeRemoting...), stdout, io.Discard)
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
	c := mq.NewAliyunMQClient(env[envMQEndpoint], env[envAccessKeyID], env[envAccessKeySecret], "")
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go c.GetConsumer("", "t", "GID_cli", "").ConsumeMessage(rc, ec, 1, 3)
	select {
	case r := <-rc:
		if len(r.Messages) != 1 || r.Messages[0].MessageBody != "over remoting" {
			t.Fatalf("consumed %+v", r.Messages)
		}
	case err := <-ec:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
}

// TestMQRemotingACL: with --acl the banner's snippet signs with the
// access key, an unsigned send is refused and a signed one accepted.
func TestMQRemotingACL(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, append([]string{"--listen", "127.0.0.1:0", "--memory", "--acl"}, freeRemoting...), stdout, io.Discard)
	}, envNameServer, envAccessKeyID, envAccessKeySecret)
	id, secret := env[envAccessKeyID], env[envAccessKeySecret]
	for _, want := range []string{"(signed requests only: --acl)",
		`producer.WithCredentials(primitive.Credentials{AccessKey: "` + id + `", SecretKey: "` + secret + `"}))`,
		`consumer.WithCredentials(primitive.Credentials{AccessKey: "` + id + `", SecretKey: "` + secret + `"}))`} {
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
}

// TestMQNoRemoting: with --no-remoting the banner has no name server.
func TestMQNoRemoting(t *testing.T) {
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return serveMQ(ctx, []string{"--listen", "127.0.0.1:0", "--memory", "--no-remoting"}, stdout, io.Discard)
	}, envMQEndpoint)
	if env[envNameServer] != "" || strings.Contains(banner, "name server") || strings.Contains(banner, "rocketmq-client-go") || strings.Contains(banner, "WithNameServer") {
		t.Errorf("--no-remoting: the banner offers a name server:\n%s", banner)
	}
	if !strings.Contains(banner, "mq_http_sdk.NewAliyunMQClient(") {
		t.Errorf("--no-remoting: the banner lacks the MQ HTTP client:\n%s", banner)
	}
}

func TestMQFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--memory", "--data", "x"}, {"--log-level", "loud"}, {"--access-key-id", ""}, {"extra"},
		{"--nameserver-listen", ""}, {"--remoting-listen", ""}, {"--no-remoting", "--nameserver-listen", "127.0.0.1:0"},
		{"--no-remoting", "--remoting-listen", "127.0.0.1:0"}, {"--no-remoting", "--acl"}} {
		if err := serveMQ(t.Context(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
	f, err := parseMQFlags(nil, io.Discard)
	if err != nil || f.remoting.nameListen != "127.0.0.1:9876" || f.remoting.brokerListen != "127.0.0.1:10911" || f.remoting.off || f.remoting.acl {
		t.Errorf("default remoting flags %+v (%v)", f.remoting, err)
	}
}
