package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// TestDev runs "rocketfn dev" on the repository's s.yaml in memory, sends
// a player message with "rocketfn send" using the variables its banner
// exported, and reads the row the players function wrote. A message sent
// without MQ_INSTANCE goes to the players trigger's instance and is
// delivered; the local RocketMQ refuses a topic neither s.yaml nor
// --topic declares; "rocketfn mq backlog" and "rocketfn mq reset-offset"
// act on it. Players sent with rocketmq-client-go through the name server
// the banner printed, and with the 5.x client to the gRPC endpoint it
// printed, in the trigger's instance as namespace, are delivered too.
func TestDev(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	var logs lockedBuffer
	go func() {
		done <- dev(ctx, append([]string{"--file", "../../s.yaml", "--memory", "--mq-listen", "127.0.0.1:0", "--tablestore-listen", "127.0.0.1:0", "--console", "127.0.0.1:0",
			"--topic", "MQ_INST_rocketfn/audit", "--group", "MQ_INST_rocketfn/GID_audit", "--retention", "24h"}, slices.Concat(freeRemoting, freeGRPC)...), w, &logs)
		w.Close()
	}()
	var banner lockedBuffer
	env := readBanner(t, io.TeeReader(out, &banner), envMQEndpoint, envMQInstance, envNameServer, envGRPCEndpoint, envTablestoreEndpoint, envTablestoreInstance,
		envAccessKeyID, envAccessKeySecret)
	ns, ep := env[envNameServer], env[envGRPCEndpoint]
	for _, want := range []string{`msg="building function" function=players n=1/2`, `msg="function built" function=orders elapsed=`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs.String())
		}
	}
	for _, want := range []string{"  RocketMQ (remoting): name server " + ns + "  broker 127.0.0.1:", "  hot reload:          on (",
		"  functions:           orders (built in ",
		`p, err := rocketmq.NewProducer(producer.WithNameServer([]string{"` + ns + `"}),` + "\n      " + `producer.WithNamespace("MQ_INST_rocketfn"))`,
		`c, err := rocketmq.NewPushConsumer(consumer.WithNameServer([]string{"` + ns + `"}),`,
		`consumer.WithNamespace("MQ_INST_rocketfn"), consumer.WithGroupName("GID_audit"))`,
		"  RocketMQ (5.x gRPC): " + ep + "\n",
		`p, err := rmq.NewProducer(&rmq.Config{Endpoint: "` + ep + `", NameSpace: "MQ_INST_rocketfn",` + "\n      " +
			"Credentials: &credentials.SessionCredentials{}},\n      " + `rmq.WithTopics("players"))`,
		`c, err := rmq.NewSimpleConsumer(&rmq.Config{Endpoint: "` + ep + `", NameSpace: "MQ_INST_rocketfn", ConsumerGroup: "GID_audit",`,
		`rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{"players": rmq.SUB_ALL}))`} {
		if !strings.Contains(banner.String(), want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner.String())
		}
	}
	var buf bytes.Buffer
	getenv := func(name string) string { return env[name] }
	if err := send([]string{"--topic", "players", "--tag", "register", "--body", `{"id":"1001","name":"ann","job":"mage","hero":"Lux"}`}, &buf, &buf, getenv); err != nil {
		t.Fatalf("send: %v (%s)", err, buf.String())
	}
	c := tablestore.NewClient(env[envTablestoreEndpoint], env[envTablestoreInstance], env[envAccessKeyID], env[envAccessKeySecret])
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
	if err := sendThrough(t, ns, "players", `{"id":"1003","name":"cy","job":"mage","hero":"Lux"}`, func(r *driverRequest) {
		r.Namespace = env[envMQInstance]
	}); err != nil {
		t.Fatalf("send with rocketmq-client-go: %v", err)
	}
	waitPlayer(t, c, "1003", "cy")
	if err := sendGRPC(t, ep, "players", `{"id":"1004","name":"di","job":"tank","hero":"Leona"}`, func(r *driverRequest) {
		r.Namespace = env[envMQInstance]
	}); err != nil {
		t.Fatalf("send with the 5.x client: %v", err)
	}
	waitPlayer(t, c, "1004", "di")
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
	if got := strings.TrimSpace(buf.String()); got != "group GID_players_fc of topic players (instance MQ_INST_rocketfn) reset to earliest: 4 messages to consume" {
		t.Errorf("mq reset-offset printed %q", got)
	}
	stopDev(t, cancel, done)
}

// TestDevNoRemoting: "rocketfn dev --no-remoting" serves no name server
// and its banner offers none; without --group the consumer snippet says
// to create one.
func TestDevNoRemoting(t *testing.T) {
	args := []string{"--file", "../../s.yaml", "--memory", "--functions", "none", "--mq-listen", "127.0.0.1:0", "--tablestore-listen", "127.0.0.1:0", "--console", ""}
	serve := func(args []string) func(ctx context.Context, stdout io.Writer) error {
		return func(ctx context.Context, stdout io.Writer) error { return dev(ctx, args, stdout, io.Discard) }
	}
	banner, _ := startBanner(t, 10*time.Second, serve(slices.Concat(args, freeRemoting, freeGRPC)), envNameServer)
	if !strings.Contains(banner, `consumer.WithGroupName("GID_NAME"))`) || !strings.Contains(banner, "create the group with --group MQ_INST_rocketfn/GID_NAME;") {
		t.Errorf("without --group, the banner's consumer:\n%s", banner)
	}
	banner, env := startBanner(t, 10*time.Second, serve(slices.Concat(args, []string{"--no-remoting"}, freeGRPC)), envMQEndpoint)
	if env[envNameServer] != "" || strings.Contains(banner, "remoting") || strings.Contains(banner, "WithNameServer") {
		t.Errorf("--no-remoting: the banner offers a name server:\n%s", banner)
	}
	for _, args := range [][]string{{"--no-remoting", "--nameserver-listen", "127.0.0.1:0"}, {"--no-remoting", "--no-grpc", "--acl"}} {
		if err := dev(t.Context(), args, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "exclude each other") {
			t.Errorf("dev %q: %v, want a usage error", args, err)
		}
	}
	f, err := parseDevFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := devConfig(f, nil, nil); cfg.NameServerListen != "127.0.0.1:9876" || cfg.RemotingListen != "127.0.0.1:10911" || cfg.NoRemoting || cfg.ACL {
		t.Errorf("default remoting config: %q %q no %v acl %v", cfg.NameServerListen, cfg.RemotingListen, cfg.NoRemoting, cfg.ACL)
	}
	if f, err = parseDevFlags([]string{"--no-remoting"}, io.Discard); err != nil || !devConfig(f, nil, nil).NoRemoting {
		t.Errorf("--no-remoting: %v", err)
	}
	if f, err = parseDevFlags([]string{"--acl"}, io.Discard); err != nil || !devConfig(f, nil, nil).ACL {
		t.Errorf("--acl: %v", err)
	}
}

// TestDevNoGRPC: "rocketfn dev --no-grpc" serves no 5.x gRPC endpoint and
// its banner offers none; --no-grpc refuses --grpc-listen, and --acl
// applies to the gRPC endpoint alone with --no-remoting.
func TestDevNoGRPC(t *testing.T) {
	args := []string{"--file", "../../s.yaml", "--memory", "--functions", "none", "--mq-listen", "127.0.0.1:0", "--tablestore-listen", "127.0.0.1:0", "--console", ""}
	banner, env := startBanner(t, 10*time.Second, func(ctx context.Context, stdout io.Writer) error {
		return dev(ctx, slices.Concat(args, []string{"--no-grpc"}, freeRemoting), stdout, io.Discard)
	}, envMQEndpoint, envNameServer)
	if env[envGRPCEndpoint] != "" || strings.Contains(banner, "gRPC") || strings.Contains(banner, "rmq.") {
		t.Errorf("--no-grpc: the banner offers a gRPC endpoint:\n%s", banner)
	}
	if !strings.Contains(banner, "rocketmq.NewProducer(") || !strings.Contains(banner, "create the group with --group") {
		t.Errorf("--no-grpc: the banner lacks the remoting client:\n%s", banner)
	}
	if err := dev(t.Context(), []string{"--no-grpc", "--grpc-listen", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--no-grpc and --grpc-listen exclude each other") {
		t.Errorf("--no-grpc --grpc-listen: %v, want a usage error", err)
	}
	f, err := parseDevFlags(nil, io.Discard)
	if cfg := devConfig(f, nil, nil); err != nil || cfg.GRPCListen != "127.0.0.1:8081" || cfg.NoGRPC {
		t.Errorf("default gRPC config: %q no %v (%v)", cfg.GRPCListen, cfg.NoGRPC, err)
	}
	if f, err = parseDevFlags([]string{"--no-grpc"}, io.Discard); err != nil || !devConfig(f, nil, nil).NoGRPC {
		t.Errorf("--no-grpc: %v", err)
	}
	f, err = parseDevFlags([]string{"--no-remoting", "--acl", "--grpc-listen", "127.0.0.1:9081"}, io.Discard)
	if cfg := devConfig(f, nil, nil); err != nil || !cfg.ACL || !cfg.NoRemoting || cfg.GRPCListen != "127.0.0.1:9081" {
		t.Errorf("--no-remoting --acl --grpc-listen: %+v (%v)", cfg, err)
	}
}

// waitPlayer waits for the players row id to have Name name.
func waitPlayer(t *testing.T, c *tablestore.TableStoreClient, id, name string) {
	t.Helper()
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", id)
	testwait.Until(t, 90*time.Second, fmt.Sprintf("row for player %s with Name %s", id, name), func() bool {
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1, ColumnsToGet: []string{"Name"}}})
		return err == nil && len(resp.Columns) == 1 && resp.Columns[0].Value == name
	})
}

// stopDev cancels a running "rocketfn dev" and waits for it to stop
// without an error.
func stopDev(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
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

// TestDevWatchFlags: the functions' sources are watched unless
// --no-watch (or --watch=false) says otherwise; --watch and --no-watch
// together are refused.
func TestDevWatchFlags(t *testing.T) {
	for _, c := range []struct {
		args  []string
		watch bool
	}{{nil, true}, {[]string{"--watch"}, true}, {[]string{"--no-watch"}, false}, {[]string{"--watch=false"}, false}} {
		f, err := parseDevFlags(c.args, io.Discard)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if cfg := devConfig(f, nil, nil); cfg.Watch != c.watch {
			t.Errorf("%q: Watch %v, want %v", c.args, cfg.Watch, c.watch)
		}
	}
	if _, err := parseDevFlags([]string{"--watch", "--no-watch"}, io.Discard); err == nil || !strings.Contains(err.Error(), "--watch and --no-watch exclude each other") {
		t.Errorf("--watch --no-watch: %v, want a usage error", err)
	}
}
