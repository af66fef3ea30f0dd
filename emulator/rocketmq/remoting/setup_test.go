package remoting_test

import (
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

func init() { rlog.SetLogLevel("error") }

// env is a broker with a remoting server on free loopback ports.
type env struct {
	b          *broker.Broker
	srv        *remoting.Server
	nameServer string
	brokerAddr string
	keys       *keys.Ring
}

type option func(*broker.Config, *remoting.Config)

// shortDelays makes delay levels 1..18 last level*10ms, for retry tests.
func shortDelays() option {
	return func(_ *broker.Config, rc *remoting.Config) {
		rc.DelayLevels = make([]time.Duration, 18)
		for i := range rc.DelayLevels {
			rc.DelayLevels[i] = time.Duration(i+1) * 10 * time.Millisecond
		}
	}
}

func start(t *testing.T, opts ...option) *env {
	t.Helper()
	var bc broker.Config
	ring := &keys.Ring{}
	rc := remoting.Config{Keys: ring}
	for _, o := range opts {
		o(&bc, &rc)
	}
	b, err := broker.Open(bc)
	if err != nil {
		t.Fatal(err)
	}
	rc.Broker = b
	srv, err := remoting.New(rc)
	if err != nil {
		t.Fatal(err)
	}
	ns, ba, err := srv.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		b.Close()
	})
	return &env{b: b, srv: srv, nameServer: ns, brokerAddr: ba, keys: ring}
}
