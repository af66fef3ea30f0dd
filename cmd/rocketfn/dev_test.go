package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// TestDev runs "rocketfn dev" on the repository's s.yaml in memory, sends
// a player message with "rocketfn send" using the variables its banner
// exported, and reads the row the players function wrote. A message sent
// without MQ_INSTANCE goes to the players trigger's instance and is
// delivered; the local RocketMQ refuses a topic neither s.yaml nor
// --topic declares; "rocketfn mq backlog" and "rocketfn mq reset-offset"
// act on it.
func TestDev(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- dev(ctx, []string{"--file", "../../s.yaml", "--memory", "--mq-listen", "127.0.0.1:0", "--tablestore-listen", "127.0.0.1:0", "--console", "127.0.0.1:0",
			"--topic", "MQ_INST_rocketfn/audit", "--retention", "24h"}, w, io.Discard)
		w.Close()
	}()
	env := readBanner(t, out, envMQEndpoint, envMQInstance, envTablestoreEndpoint, envTablestoreInstance, envAccessKeyID, envAccessKeySecret)
	var buf bytes.Buffer
	getenv := func(name string) string { return env[name] }
	if err := send([]string{"--topic", "players", "--tag", "register", "--body", `{"id":"1001","name":"ann","job":"mage","hero":"Lux"}`}, &buf, &buf, getenv); err != nil {
		t.Fatalf("send: %v (%s)", err, buf.String())
	}
	c := ots.NewClient(env[envTablestoreEndpoint], env[envTablestoreInstance], env[envAccessKeyID], env[envAccessKeySecret])
	waitPlayer(t, c, "1001", "ann")

	noInstance := func(name string) string {
		if name == envMQInstance {
			return ""
		}
		return env[name]
	}
	buf.Reset()
	if err := send([]string{"--file", "../../s.yaml", "--topic", "players", "--tag", "register", "--body", `{"id":"1002","name":"bo","job":"tank","hero":"Leona"}`}, &buf, &buf, noInstance); err != nil {
		t.Fatalf("send without MQ_INSTANCE: %v (%s)", err, buf.String())
	}
	waitPlayer(t, c, "1002", "bo")
	if err := send([]string{"--topic", "nosuch", "--body", "x"}, &buf, &buf, getenv); err == nil || !strings.Contains(err.Error(), "TopicNotExist") {
		t.Errorf("send to an undeclared topic: %v, want TopicNotExist", err)
	}
	if err := send([]string{"--topic", "audit", "--body", "x"}, &buf, &buf, getenv); err != nil {
		t.Errorf("send to the topic of --topic: %v", err)
	}

	buf.Reset()
	if err := mqBacklog(nil, &buf, &buf, getenv); err != nil {
		t.Fatalf("mq backlog: %v", err)
	}
	if !strings.Contains(buf.String(), "GID_players_fc") || !strings.Contains(buf.String(), "GID_orders_fc") {
		t.Errorf("mq backlog printed\n%s\nwant the triggers' groups", buf.String())
	}
	buf.Reset()
	if err := mqResetOffset([]string{"--file", "../../s.yaml", "--topic", "players", "--group", "GID_players_fc", "--to", "earliest"}, &buf, &buf, noInstance); err != nil {
		t.Fatalf("mq reset-offset: %v", err)
	}
	if got := strings.TrimSpace(buf.String()); got != "group GID_players_fc of topic players (instance MQ_INST_rocketfn) reset to earliest: 2 messages to consume" {
		t.Errorf("mq reset-offset printed %q", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("dev: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("dev did not stop")
	}
}

// waitPlayer waits for the players row id to have Name name.
func waitPlayer(t *testing.T, c *ots.TableStoreClient, id, name string) {
	t.Helper()
	key := new(ots.PrimaryKey)
	key.AddPrimaryKeyColumn("id", id)
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := c.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1, ColumnsToGet: []string{"Name"}}})
		if err == nil && len(resp.Columns) == 1 && resp.Columns[0].Value == name {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no row for player %s after 90s (last error %v)", id, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
