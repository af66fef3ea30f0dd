package main

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// TestDev runs "rocketfn dev" on the repository's s.yaml in memory, sends
// a player message with "rocketfn send" using the variables its banner
// exported, and reads the row the players function wrote.
func TestDev(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- dev(ctx, []string{"--file", "../../s.yaml", "--memory", "--mq-listen", "127.0.0.1:0", "--tablestore-listen", "127.0.0.1:0", "--console", "127.0.0.1:0"}, w, io.Discard)
		w.Close()
	}()
	env := readBanner(t, out, envMQEndpoint, envMQInstance, envTablestoreEndpoint, envTablestoreInstance, envAccessKeyID, envAccessKeySecret)
	var buf bytes.Buffer
	getenv := func(name string) string { return env[name] }
	if err := send([]string{"--topic", "players", "--tag", "register", "--body", `{"id":"1001","name":"ann","job":"mage","hero":"Lux"}`}, &buf, &buf, getenv); err != nil {
		t.Fatalf("send: %v (%s)", err, buf.String())
	}
	c := ots.NewClient(env[envTablestoreEndpoint], env[envTablestoreInstance], env[envAccessKeyID], env[envAccessKeySecret])
	key := new(ots.PrimaryKey)
	key.AddPrimaryKeyColumn("id", "1001")
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := c.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1, ColumnsToGet: []string{"Name"}}})
		if err == nil && len(resp.Columns) == 1 && resp.Columns[0].Value == "ann" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no row for player 1001 after 90s (last error %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
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
