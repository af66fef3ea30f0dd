// Package rabbitmqtest runs RabbitMQ brokers (package rabbitmq) for tests:
// one shared by the tests of a package, or one of a test's own to stop and
// restart, and helpers for queues and confirmed publishing.
//
//	func TestMain(m *testing.M) { rabbitmqtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		t.Parallel()
//		srv := rabbitmqtest.Shared(t)
//		q := rabbitmqtest.Queue(t, srv.URL())
//		rabbitmqtest.Publish(t, srv.URL(), q, amqp.Publishing{Body: []byte("hi")})
//	}
package rabbitmqtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
)

// Timeout bounds what the helpers wait for.
const Timeout = 2 * time.Minute

var shared struct {
	sync.Mutex
	main bool
	srv  *rabbitmq.Server
	err  error
	done bool
}

// Main runs the tests, then closes the shared broker if one was started.
// Call it from TestMain of a package whose tests call Shared.
func Main(m *testing.M) {
	shared.Lock()
	shared.main = true
	shared.Unlock()
	code := m.Run()
	shared.Lock()
	if shared.srv != nil {
		shared.srv.Close()
	}
	shared.Unlock()
	os.Exit(code)
}

// Shared is the broker shared by the tests of the package, started by the
// first call. Tests sharing it use queues (Queue) or virtual hosts of
// their own, and never stop it.
func Shared(t testing.TB) *rabbitmq.Server {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if !shared.main {
		t.Fatal("rabbitmqtest.Shared needs rabbitmqtest.Main in the package's TestMain")
	}
	if !shared.done {
		shared.done = true
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		shared.srv, shared.err = rabbitmq.StartServer(ctx, rabbitmq.ServerOptions{})
		cancel()
	}
	if shared.err != nil {
		fatal(t, shared.err)
	}
	return shared.srv
}

// Start starts a broker of the test's own, closed when the test ends.
func Start(t testing.TB) *rabbitmq.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	srv, err := rabbitmq.StartServer(ctx, rabbitmq.ServerOptions{})
	if err != nil {
		fatal(t, err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close broker: %v", err)
		}
	})
	return srv
}

func fatal(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, rabbitmq.ErrNotInstalled) {
		t.Fatalf("%v: run .ci/setup (it installs Debian's rabbitmq-server)", err)
	}
	t.Fatal(err)
}

// Name is a new name with the given prefix, unique to this process.
func Name(prefix string) string {
	var r [6]byte
	rand.Read(r[:])
	return prefix + "-" + hex.EncodeToString(r[:])
}

// Dial opens a connection and a channel to url, closed when the test ends.
func Dial(t testing.TB, url string) (*amqp.Connection, *amqp.Channel) {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("channel: %v", err)
	}
	return conn, ch
}

// Queue declares a durable queue with a new name on url, and deletes it
// when the test ends (if the broker still runs).
func Queue(t testing.TB, url string) string {
	t.Helper()
	name := Name("q")
	conn, ch := Dial(t, url)
	if _, err := ch.QueueDeclare(name, true, false, false, false, nil); err != nil {
		t.Fatalf("declare queue %s: %v", name, err)
	}
	conn.Close()
	t.Cleanup(func() {
		conn, err := amqp.Dial(url)
		if err != nil {
			return
		}
		defer conn.Close()
		if ch, err := conn.Channel(); err == nil {
			ch.QueueDelete(name, false, false, false)
		}
	})
	return name
}

// Ready is the number of messages in queue ready for delivery (not
// delivered, or delivered and returned).
func Ready(t testing.TB, url, queue string) int {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("channel: %v", err)
	}
	q, err := ch.QueueDeclarePassive(queue, true, false, false, false, nil)
	if err != nil {
		t.Fatalf("inspect queue %s: %v", queue, err)
	}
	return q.Messages
}

// Publish publishes msgs to queue through the default exchange, as
// persistent messages unless a message sets its DeliveryMode, and waits
// until the broker has confirmed each.
func Publish(t testing.TB, url, queue string, msgs ...amqp.Publishing) {
	t.Helper()
	conn, ch := Dial(t, url)
	defer conn.Close()
	if err := ch.Confirm(false); err != nil {
		t.Fatalf("confirm mode: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	confirms := make([]*amqp.DeferredConfirmation, 0, len(msgs))
	for i, m := range msgs {
		if m.DeliveryMode == 0 {
			m.DeliveryMode = amqp.Persistent
		}
		c, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queue, true, false, m)
		if err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		confirms = append(confirms, c)
	}
	for i, c := range confirms {
		ok, err := c.WaitContext(ctx)
		if err != nil || !ok {
			t.Fatalf("publish %d: not confirmed (ack %v, %v)", i, ok, err)
		}
	}
}
