package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

func init() { rlog.SetLogLevel("error") }

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

// sendThrough sends body to topic with rocketmq-client-go through the
// name server, with opts.
func sendThrough(t *testing.T, nameServer, topic, body string, opts ...producer.Option) error {
	t.Helper()
	opts = append([]producer.Option{producer.WithNameServer([]string{nameServer}), producer.WithRetry(0),
		producer.WithInstanceName(t.Name()), producer.WithSendMsgTimeout(5 * time.Second)}, opts...)
	p, err := rocketmq.NewProducer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err = p.SendSync(ctx, primitive.NewMessage(topic, []byte(body)))
	return err
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
	if err := sendThrough(t, env[envNameServer], "t", "signed", producer.WithInstanceName(t.Name()+"-signed"),
		producer.WithCredentials(primitive.Credentials{AccessKey: id, SecretKey: secret})); err != nil {
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
