package cluster_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/proctest"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/cluster"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// minOffset asks the broker at addr for the min offset of a queue.
func minOffset(t *testing.T, addr, topic string, queue int) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := remoting.Dial(ctx, addr, remoting.Credentials{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.Call(ctx, &remoting.Command{Code: 31, ExtFields: map[string]string{"topic": topic, "queueId": strconv.Itoa(queue)}})
	if err != nil || resp.Code != 0 {
		t.Fatalf("min offset: %v %+v", err, resp)
	}
	off, _ := strconv.ParseInt(resp.ExtFields["offset"], 10, 64)
	return off
}

// TestSubscribeLatestFixesThePosition: a new group subscribed at the
// latest offset, on a queue whose first messages expired (so the broker
// has no offset to offer it), starts where the queue was when it
// subscribed: a message published between Subscribe and the first
// Consume is delivered, and so is one published while no source ran
// after a Subscribe that consumed nothing.
func TestSubscribeLatestFixesThePosition(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "retention"), []byte("300ms"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ns := proctest.Start(t, childEnv, dir)
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{ns}, Group: "GID_p", HashSelector: true})
	old := c.Send(t, "p", "late", wire.Message{Body: "expired", ShardingKey: "k"})
	// The stand-in's broker is on the name server's host; its address is
	// in the route, which the source reads. Wait for the retention to end.
	broker0 := brokerAddr(t, ns, "late")
	testwait.Until(t, 10*time.Second, "expiry of the message", func() bool { return minOffset(t, broker0, "late", old.QueueID) != 0 })

	latest := broker.Position{From: broker.FromLatest}
	src, err := cluster.Open(context.Background(), cluster.Config{NameServers: []string{ns}, ClientID: "late-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if created, err := src.Subscribe("", "late", "GID_late", latest); err != nil || !created {
		t.Fatalf("subscribe: %v %v", created, err)
	}
	c.Send(t, "p", "late", wire.Message{Body: "after-subscribe", ShardingKey: "k"})
	ds, err := src.Consume(context.Background(), broker.ConsumeRequest{Topic: "late", Group: "GID_late", Max: 16, Wait: 5 * time.Second})
	if err != nil || len(ds) != 1 || string(ds[0].Body) != "after-subscribe" {
		t.Fatalf("first consume after subscribing at latest: %v %+v", err, ds)
	}
	src.Ack(context.Background(), "", "late", "GID_late", []string{ds[0].ReceiptHandle})

	// Subscribed and closed without consuming: the position holds.
	src2, err := cluster.Open(context.Background(), cluster.Config{NameServers: []string{ns}, ClientID: "late-2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src2.Subscribe("", "late", "GID_other", latest); err != nil {
		t.Fatal(err)
	}
	src2.Close()
	c.Send(t, "p", "late", wire.Message{Body: "while-down", ShardingKey: "k"})
	src3, err := cluster.Open(context.Background(), cluster.Config{NameServers: []string{ns}, ClientID: "late-3"})
	if err != nil {
		t.Fatal(err)
	}
	defer src3.Close()
	if created, err := src3.Subscribe("", "late", "GID_other", latest); err != nil || created {
		t.Fatalf("subscribe again: created %v, %v; want the group's committed position", created, err)
	}
	var bodies []string
	for len(bodies) < 1 {
		ds, err := src3.Consume(context.Background(), broker.ConsumeRequest{Topic: "late", Group: "GID_other", Max: 16, Wait: 5 * time.Second})
		if err != nil || len(ds) == 0 {
			t.Fatalf("consume after a restart: %v, got %q so far", err, bodies)
		}
		for _, d := range ds {
			bodies = append(bodies, string(d.Body))
		}
	}
	if len(bodies) != 1 || bodies[0] != "while-down" {
		t.Errorf("after a restart: %q, want the message published since the first Subscribe", bodies)
	}
}

// brokerAddr reads the master broker of topic from the name server.
func brokerAddr(t *testing.T, ns, topic string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := remoting.Dial(ctx, ns, remoting.Credentials{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.Call(ctx, &remoting.Command{Code: 105, ExtFields: map[string]string{"topic": topic}})
	if err != nil || resp.Code != 0 {
		t.Fatalf("route: %v %+v", err, resp)
	}
	var route struct {
		BrokerDatas []struct {
			BrokerAddrs map[string]string `json:"brokerAddrs"`
		} `json:"brokerDatas"`
	}
	if err := json.Unmarshal(resp.Body, &route); err != nil || len(route.BrokerDatas) == 0 {
		t.Fatalf("route %s: %v", resp.Body, err)
	}
	return route.BrokerDatas[0].BrokerAddrs["0"]
}
