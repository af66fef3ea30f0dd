package rabbitmq_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq/rabbitmqtest"
)

func TestMain(m *testing.M) { rabbitmqtest.Main(m) }

// Without RabbitMQ's scripts, StartServer says which package to install.
func TestServerNotInstalled(t *testing.T) {
	t.Parallel()
	_, err := rabbitmq.StartServer(context.Background(), rabbitmq.ServerOptions{Scripts: t.TempDir()})
	if !errors.Is(err, rabbitmq.ErrNotInstalled) {
		t.Fatalf("StartServer without scripts: %v, want ErrNotInstalled", err)
	}
	if !strings.Contains(err.Error(), "apt-get install rabbitmq-server") || !strings.Contains(err.Error(), "amqp://") {
		t.Errorf("error %q names neither the package nor the alternative", err)
	}
}

var nodeName = regexp.MustCompile(`^rfn-[0-9a-f]{12}@localhost$`)

// A server is a broker of its own: its own node name and ports, listening
// on loopback only. A source consuming it under load survives a graceful
// restart (Restart) with no acknowledged message delivered again, and a
// crash (Kill) with no confirmed message lost. Close leaves no process, no
// listener and no directory behind.
func TestServerLifecycle(t *testing.T) {
	t.Parallel()
	srv, err := rabbitmq.StartServer(context.Background(), rabbitmq.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	shared := rabbitmqtest.Shared(t)

	if !nodeName.MatchString(srv.NodeName()) {
		t.Errorf("node name %q, want rfn-<random>@localhost", srv.NodeName())
	}
	if srv.NodeName() == shared.NodeName() {
		t.Errorf("two servers share the node name %s", srv.NodeName())
	}
	amqpPort, distPort, epmdPort := srv.Ports()
	if amqpPort == 5672 || epmdPort == 4369 {
		t.Errorf("ports %d (AMQP) and %d (epmd) are the system defaults", amqpPort, epmdPort)
	}
	listening := listeners(t)
	for _, port := range []int{amqpPort, distPort, epmdPort} {
		addrs := listening[port]
		if len(addrs) == 0 {
			t.Errorf("nothing listens on port %d", port)
		}
		for _, a := range addrs {
			if !a.IsLoopback() {
				t.Errorf("port %d listens on %s, not loopback", port, a)
			}
		}
	}

	t.Run("restart under load", func(t *testing.T) {
		underLoad(t, srv, "r", srv.Restart, true)
	})
	t.Run("crash under load", func(t *testing.T) {
		underLoad(t, srv, "k", func(ctx context.Context) error {
			srv.Kill()
			if srv.Running() {
				t.Error("running after Kill")
			}
			if c, err := amqp.Dial(srv.URL()); err == nil {
				c.Close()
				t.Error("connected to a killed broker")
			}
			return srv.Restart(ctx)
		}, false)
	})

	tree := srv.Tree()
	if len(tree) < 3 {
		t.Fatalf("process tree %v: want at least the script, the VM and epmd", tree)
	}
	dir := srv.Dir()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if rabbitmq.Alive(tree) {
		t.Errorf("processes of %v still run after Close", tree)
	}
	listening = listeners(t)
	for _, port := range []int{amqpPort, distPort, epmdPort} {
		if len(listening[port]) > 0 {
			t.Errorf("port %d still listens after Close", port)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("directory %s left after Close (%v)", dir, err)
	}
	if err := srv.Restart(context.Background()); err == nil {
		t.Error("Restart after Close succeeded")
	}
}

// underLoad publishes n persistent messages (half before the source
// starts, half after the disruption), consumes them with a source, and
// disrupts the broker while the handler holds a batch, a quarter of the
// way through. Every message must be acknowledged; and, when strict, a
// message handled again must be marked redelivered and no message whose
// acknowledgement the broker confirmed may be delivered again. Strictness
// does not hold across a crash, which can lose acknowledgements and
// delivery marks the broker had not written to disk.
func underLoad(t *testing.T, srv *rabbitmq.Server, prefix string, disrupt func(context.Context) error, strict bool) {
	const n = 2000
	q := rabbitmqtest.Queue(t, srv.URL())
	rabbitmqtest.Publish(t, srv.URL(), q, messages(prefix, 0, n/2)...)

	var mu sync.Mutex
	handled := map[string]int{}
	acked := map[string]bool{}
	var redeliveries, connects int
	var disrupted bool
	ackedBefore := -1
	disruptNow := make(chan struct{})
	disruptDone := make(chan struct{})
	allAcked := make(chan struct{})
	run(t, newSource(t, rabbitmq.SourceConfig{
		URL: srv.URL(), Queue: q, Prefetch: 32, BatchSize: 16, BatchWindow: 2 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error {
			mu.Lock()
			for _, d := range batch {
				id := d.Properties.MessageID
				if handled[id] > 0 {
					redeliveries++
					if !d.Envelope.Redelivered && strict {
						t.Errorf("%s handled again without the redelivered flag", id)
					}
				}
				if acked[id] && strict {
					t.Errorf("%s delivered again after the broker confirmed its acknowledgement", id)
				}
				handled[id]++
			}
			hold := !disrupted && len(handled) >= n/4
			if hold {
				disrupted = true
				ackedBefore = len(acked)
			}
			mu.Unlock()
			if hold {
				close(disruptNow)
				select {
				case <-disruptDone:
				case <-ctx.Done():
				}
			}
			return nil
		},
		OnAck: func(batch []rabbitmq.Delivery) {
			mu.Lock()
			defer mu.Unlock()
			for _, d := range batch {
				acked[d.Properties.MessageID] = true
			}
			if len(acked) == n {
				closeOnce(allAcked)
			}
		},
		OnConnect: func() { mu.Lock(); connects++; mu.Unlock() },
	}))

	ctx, cancel := context.WithTimeout(context.Background(), rabbitmqtest.Timeout)
	defer cancel()
	select {
	case <-disruptNow:
	case <-ctx.Done():
		t.Fatal("the source did not get a quarter of the messages")
	}
	if err := disrupt(ctx); err != nil {
		t.Fatal(err)
	}
	close(disruptDone)
	rabbitmqtest.Publish(t, srv.URL(), q, messages(prefix, n/2, n/2)...)
	select {
	case <-allAcked:
	case <-ctx.Done():
		mu.Lock()
		t.Fatalf("%d of %d messages acknowledged", len(acked), n)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, m := range messages(prefix, 0, n) {
		if !acked[m.MessageId] {
			t.Errorf("%s never acknowledged", m.MessageId)
		}
	}
	if ackedBefore <= 0 || ackedBefore >= n/2 {
		t.Errorf("%d messages acknowledged before the disruption: not mid-stream", ackedBefore)
	}
	if connects < 2 {
		t.Errorf("%d connections: the source did not reconnect", connects)
	}
	// The batch held across the disruption was handled, but its
	// acknowledgement could not reach the broker: it comes again.
	if redeliveries == 0 {
		t.Error("no message handled again: the held batch was acknowledged across the disruption")
	}
	t.Logf("%d messages, %d acknowledged before the disruption, %d handled again, %d connections",
		n, ackedBefore, redeliveries, connects)
}

// listeners maps each TCP port listening on this machine to its
// addresses, from /proc/net/tcp and tcp6.
func listeners(t *testing.T) map[int][]net.IP {
	t.Helper()
	out := map[int][]net.IP{}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // the header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // LISTEN
				continue
			}
			hexAddr, hexPort, _ := strings.Cut(fields[1], ":")
			port, _ := strconv.ParseUint(hexPort, 16, 16)
			out[int(port)] = append(out[int(port)], procIP(hexAddr))
		}
		f.Close()
	}
	return out
}

// procIP decodes an address of /proc/net/tcp*: 32-bit words in host
// (little-endian) order.
func procIP(h string) net.IP {
	var b []byte
	for i := 0; i+8 <= len(h); i += 8 {
		w, _ := strconv.ParseUint(h[i:i+8], 16, 32)
		b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	return net.IP(b)
}
