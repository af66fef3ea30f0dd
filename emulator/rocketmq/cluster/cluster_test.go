package cluster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/proctest"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/cluster"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

const childEnv = "ROCKETFN_CLUSTER_TEST_DIR"

// clusterServer is a broker and its remoting server: the cluster a
// Source consumes from, in a process of its own.
type clusterServer struct {
	b   *broker.Broker
	srv *remoting.Server
}

func (c *clusterServer) Start(addr string) (string, error) {
	ns, _, err := c.srv.Start(addr, "")
	return ns, err
}

func (c *clusterServer) Close() error {
	c.srv.Close()
	return c.b.Close()
}

func init() {
	proctest.MaybeServe(childEnv, func(dir string) (proctest.Server, error) {
		store, err := kv.OpenBolt(filepath.Join(dir, "broker.db"), kv.Options{})
		if err != nil {
			return nil, err
		}
		// A file "retention" in dir holds the broker's retention.
		var retention time.Duration
		if text, err := os.ReadFile(filepath.Join(dir, "retention")); err == nil {
			if retention, err = time.ParseDuration(strings.TrimSpace(string(text))); err != nil {
				return nil, err
			}
		}
		b, err := broker.Open(broker.Config{Store: store, Retention: retention})
		if err != nil {
			return nil, err
		}
		srv, err := remoting.New(remoting.Config{Broker: b})
		if err != nil {
			return nil, err
		}
		return &clusterServer{b: b, srv: srv}, nil
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	rmqclient.Cleanup()
	os.Exit(code)
}

// startCluster runs the stand-in cluster and returns its name server.
func startCluster(t *testing.T) string {
	t.Helper()
	_, ns := proctest.Start(t, childEnv, t.TempDir())
	return ns
}

func open(t *testing.T, ns, id string) *cluster.Source {
	t.Helper()
	src, err := cluster.Open(context.Background(), cluster.Config{NameServers: []string{ns}, ClientID: id, InvisibleTime: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func consume(t *testing.T, src *cluster.Source, topic, group, tag string, max int) []broker.Delivery {
	t.Helper()
	ds, err := src.Consume(context.Background(), broker.ConsumeRequest{Topic: topic, Group: group, Tag: tag, Max: max, Wait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestConsumeAckAndRedelivery(t *testing.T) {
	ns := startCluster(t)
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{ns}, Group: "GID_p"})
	sent := map[string]string{}
	for i := range 6 {
		tag := "keep"
		if i%3 == 2 {
			tag = "skip"
		}
		res := c.Send(t, "p", "orders", wire.Message{Body: fmt.Sprint("m", i), Tag: tag, Keys: []string{"k"}, Properties: map[string]string{"a": "b"}})
		if tag == "keep" {
			sent[res.MsgID] = fmt.Sprint("m", i)
		}
	}
	src := open(t, ns, "local-1")
	if _, err := src.Subscribe("", "orders", "GID_bridge", broker.Position{From: broker.FromEarliest}); err != nil {
		t.Fatal(err)
	}
	got := map[string]broker.Delivery{}
	for len(got) < len(sent) {
		for _, d := range consume(t, src, "orders", "GID_bridge", "keep", 16) {
			if sent[d.ID] != string(d.Body) || d.Tag != "keep" || d.Keys != "k" || d.Properties["a"] != "b" || d.Topic != "orders" {
				t.Fatalf("delivery %+v", d)
			}
			got[d.ID] = d
		}
	}
	// Unacknowledged, they come again after the invisible time.
	var first broker.Delivery
	for _, d := range got {
		first = d
		break
	}
	again := map[string]bool{}
	for len(again) < len(sent) {
		for _, d := range consume(t, src, "orders", "GID_bridge", "keep", 16) {
			if d.ConsumedTimes != 2 {
				t.Fatalf("redelivery %d of %s", d.ConsumedTimes, d.ID)
			}
			again[d.ID] = true
			got[d.ID] = d
		}
	}
	// The old handle no longer acks; the new ones do.
	if failed, err := src.Ack(context.Background(), "", "orders", "GID_bridge", []string{first.ReceiptHandle}); err != nil || len(failed) != 1 {
		t.Fatalf("stale handle: %v %v", failed, err)
	}
	var handles []string
	for _, d := range got {
		handles = append(handles, d.ReceiptHandle)
	}
	if failed, err := src.Ack(context.Background(), "", "orders", "GID_bridge", handles); err != nil || len(failed) != 0 {
		t.Fatalf("ack: %v %v", failed, err)
	}
	// A new source of the same group goes on from the committed offsets.
	src.Close()
	src2 := open(t, ns, "local-2")
	c.Send(t, "p", "orders", wire.Message{Body: "after", Tag: "keep"})
	ds := consume(t, src2, "orders", "GID_bridge", "keep", 16)
	if len(ds) != 1 || string(ds[0].Body) != "after" {
		t.Fatalf("after a restart: %+v", ds)
	}
}

func TestSharesQueuesWithTheGroup(t *testing.T) {
	ns := startCluster(t)
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{ns}, Group: "GID_p"})
	c.Send(t, "p", "shared", wire.Message{Body: "x"}) // creates the topic
	// Another consumer of the group, in the cluster's other client.
	c.Must(t, wire.Request{Op: "consumer", Name: "other", NameServer: []string{ns}, Group: "GID_shared", Topic: "shared"})
	src := open(t, ns, "local-1")
	seen := map[string]bool{}
	var mine int
	for i := 0; mine == 0 || len(seen) < 40; i++ {
		if i > 400 {
			t.Fatalf("source consumed %d, seen %d", mine, len(seen))
		}
		c.Send(t, "p", "shared", wire.Message{Body: fmt.Sprint(i)})
		ds, err := src.Consume(context.Background(), broker.ConsumeRequest{Topic: "shared", Group: "GID_shared", Max: 16, Wait: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			mine++
			seen[string(d.Body)] = true
			if _, err := src.Ack(context.Background(), "", "shared", "GID_shared", []string{d.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
		for {
			ev, ok := c.Poll(time.Millisecond)
			if !ok {
				break
			}
			seen[ev.Message.Body] = true
		}
	}
	if mine >= len(seen) {
		t.Fatalf("the source took every message (%d of %d): it does not share the queues", mine, len(seen))
	}
}
