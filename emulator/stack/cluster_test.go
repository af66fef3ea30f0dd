package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/internal/proctest"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// The cluster tests run a broker and its remoting server in a process of
// its own as the shared RocketMQ cluster, publish to it with the official
// rocketmq-client-go (package rmqclient, out of process), and run the
// stack on it with Config.RocketMQNameServers.

const clusterChildEnv = "ROCKETFN_STACK_CLUSTER_DIR"

// standIn is the stand-in cluster: a broker and the remoting server on
// it. The broker creates topics and groups on first use, as a cluster
// with auto-creation does, unless the data directory has a file
// "strict" listing the only topics and groups it has, a line
// "topic|group INSTANCE NAME" each (INSTANCE "-" for none).
type standIn struct {
	b   *broker.Broker
	srv *remoting.Server
}

func (c *standIn) Start(addr string) (string, error) {
	ns, _, err := c.srv.Start(addr, "")
	return ns, err
}

func (c *standIn) Close() error {
	c.srv.Close()
	return c.b.Close()
}

func init() {
	proctest.MaybeServe(clusterChildEnv, func(dir string) (proctest.Server, error) {
		store, err := kv.OpenBolt(filepath.Join(dir, "broker.db"), kv.Options{})
		if err != nil {
			return nil, err
		}
		names, err := os.ReadFile(filepath.Join(dir, "strict"))
		strict := err == nil
		b, err := broker.Open(broker.Config{Store: store, Strict: strict})
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(names)), "\n") {
			f := strings.Fields(line)
			if len(f) != 3 {
				continue
			}
			inst := strings.TrimPrefix(f[1], "-")
			if f[0] == "topic" {
				err = b.CreateTopic(inst, f[2])
			} else {
				err = b.CreateGroup(inst, f[2])
			}
			if err != nil {
				b.Close()
				return nil, err
			}
		}
		srv, err := remoting.New(remoting.Config{Broker: b})
		if err != nil {
			b.Close()
			return nil, err
		}
		return &standIn{b: b, srv: srv}, nil
	})
}

// startStandIn runs the stand-in cluster and returns its name server;
// strict lines make it strict (see standIn).
func startStandIn(t *testing.T, strict ...string) string {
	t.Helper()
	dir := t.TempDir()
	if len(strict) > 0 {
		if err := os.WriteFile(filepath.Join(dir, "strict"), []byte(strings.Join(strict, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, ns := proctest.Start(t, clusterChildEnv, dir)
	return ns
}

// clusterProducer starts a producer named name on the cluster, its
// queues chosen by sharding key.
func clusterProducer(t *testing.T, ns, name string) *rmqclient.Client {
	t.Helper()
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: name, NameServer: []string{ns}, Group: "GID_" + name,
		HashSelector: true, SendTimeout: 5 * time.Second})
	return c
}

// startOnCluster starts the stack of testdata/<file> with its records
// in dir, on the cluster of ns, with a data directory of its own (so
// that what the groups resume comes from the cluster).
func startOnCluster(t *testing.T, file, dir, ns string, edit func(*stack.Config)) *pipeline {
	t.Helper()
	proj, err := syaml.Load(writePipelineYAML(t, file, dir))
	if err != nil {
		t.Fatal(err)
	}
	cfg := stack.Config{Project: proj, DataDir: t.TempDir(), RocketMQNameServers: []string{ns}, ConsoleListen: "127.0.0.1:0"}
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return &pipeline{Stack: s, t: t, dir: dir, timeout: 90 * time.Second}
}

// lag is how many messages of topic group has not committed in the
// cluster of ns: over the topic's queues, the max offset less the
// group's committed offset.
func lag(t *testing.T, ns, topic, group string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call := func(addr string, cmd *remoting.Command) *remoting.Command {
		t.Helper()
		c, err := remoting.Dial(ctx, addr, remoting.Credentials{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		resp, err := c.Call(ctx, cmd)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := call(ns, &remoting.Command{Code: 105, ExtFields: map[string]string{"topic": topic}})
	if resp.Code != 0 {
		t.Fatalf("route of %s: code %d %s", topic, resp.Code, resp.Remark)
	}
	var route struct {
		QueueDatas []struct {
			BrokerName    string `json:"brokerName"`
			ReadQueueNums int    `json:"readQueueNums"`
		} `json:"queueDatas"`
		BrokerDatas []struct {
			BrokerName  string            `json:"brokerName"`
			BrokerAddrs map[string]string `json:"brokerAddrs"`
		} `json:"brokerDatas"`
	}
	if err := json.Unmarshal(resp.Body, &route); err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, qd := range route.QueueDatas {
		addr := ""
		for _, bd := range route.BrokerDatas {
			if bd.BrokerName == qd.BrokerName {
				addr = bd.BrokerAddrs["0"]
			}
		}
		for id := range qd.ReadQueueNums {
			ext := map[string]string{"topic": topic, "queueId": strconv.Itoa(id), "bname": qd.BrokerName}
			maxResp := call(addr, &remoting.Command{Code: 30, ExtFields: ext})
			ext = map[string]string{"topic": topic, "queueId": strconv.Itoa(id), "bname": qd.BrokerName, "consumerGroup": group}
			offResp := call(addr, &remoting.Command{Code: 14, ExtFields: ext})
			maxOff, _ := strconv.ParseInt(maxResp.ExtFields["offset"], 10, 64)
			committed := int64(0)
			if offResp.Code == 0 {
				committed, _ = strconv.ParseInt(offResp.ExtFields["offset"], 10, 64)
			}
			total += maxOff - committed
		}
	}
	return total
}

// TestClusterTriggers runs s.yaml's triggers on a RocketMQ cluster: the
// local RocketMQ is not started, each function gets the messages
// rocketmq-client-go published to the cluster as its trigger's group,
// the groups' offsets are committed in the cluster, and a second run
// (on another data directory) goes on from them without the messages
// the first one handled.
func TestClusterTriggers(t *testing.T) {
	t.Parallel()
	ns := startStandIn(t)
	prod := clusterProducer(t, ns, "staging")
	// The cluster owns the topic: it exists before the stack starts.
	first := wire.Message{Body: "r1", Tag: "created", Keys: []string{"o1", "c7"}, ShardingKey: "o1",
		Properties: map[string]string{"region": "cn-hangzhou", "channel": "web"}}
	id := prod.Send(t, "staging", "orders", first).MsgID
	dir := t.TempDir()

	p := startOnCluster(t, "pipeline-filters.yaml", dir, ns, nil)
	if p.MQ != nil || p.Remoting != nil || p.MQEndpoint != "" || p.NameServer != "" || p.Cluster == nil {
		t.Fatalf("on a cluster: MQ %v, remoting %v, MQ endpoint %q, name server %q, cluster %v", p.MQ, p.Remoting, p.MQEndpoint, p.NameServer, p.Cluster)
	}
	if !slices.Equal(p.RocketMQNameServers, []string{ns}) || len(p.Instances()) != 0 {
		t.Errorf("name servers %q, declared instances %q", p.RocketMQNameServers, p.Instances())
	}
	prod.Send(t, "staging", "orders", wire.Message{Body: "r2", Tag: "other", ShardingKey: "o1",
		Properties: map[string]string{"region": "cn-shanghai", "channel": "app"}})
	prod.Send(t, "staging", "orders", wire.Message{Body: "last", Tag: "paid", ShardingKey: "o1",
		Properties: map[string]string{"region": "cn-beijing", "channel": "web"}})
	p.waitFor("last message at both functions", func() bool { return p.has("tagged", "last")() && p.has("patterned", "last")() })
	if got, want := pipeBodies(p.records("tagged")), []string{"r1", "last"}; !slices.Equal(got, want) {
		t.Errorf("tag created||paid: recorded %q, want %q", got, want)
	}
	if got, want := pipeBodies(p.records("patterned")), []string{"r1", "r2", "last"}; !slices.Equal(got, want) {
		t.Errorf("pattern region cn-*, channel not test: recorded %q, want %q", got, want)
	}
	r := p.records("tagged")[0]
	if r.ID != id || r.Topic != "orders" || r.Tag != "created" || !slices.Equal(r.Keys, []string{"o1", "c7"}) ||
		r.ShardingKey != "o1" || r.Properties["region"] != "cn-hangzhou" || r.EventType != "mq:Topic:SendMessage" {
		t.Errorf("first message recorded as %+v, sent as %s %+v", r, id, first)
	}
	for _, group := range []string{"GID_tagged", "GID_patterned"} {
		if n := lag(t, ns, "orders", group); n != 0 {
			t.Errorf("group %s: %d messages not committed in the cluster", group, n)
		}
	}

	// The console has nothing to send with or read backlogs of.
	for _, path := range []string{"/api/backlog", "/api/send"} {
		method := "GET"
		if path == "/api/send" {
			method = "POST"
		}
		req, _ := http.NewRequest(method, p.ConsoleURL+path, strings.NewReader(`{"topic":"orders","body":"x"}`))
		req.Header.Set(console.TokenHeader, p.ConsoleToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotImplemented || !strings.Contains(body.Error, "RocketMQ cluster at "+ns) {
			t.Errorf("console %s on a cluster: %d %q", path, resp.StatusCode, body.Error)
		}
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A second run, on a new data directory, gets only what came since.
	prod.Send(t, "staging", "orders", wire.Message{Body: "second", Tag: "created", ShardingKey: "o1",
		Properties: map[string]string{"region": "cn-hangzhou", "channel": "web"}})
	p2 := startOnCluster(t, "pipeline-filters.yaml", dir, ns, nil)
	p2.waitFor("the message sent between the runs", func() bool { return p2.has("tagged", "second")() && p2.has("patterned", "second")() })
	if err := p2.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := pipeBodies(p2.records("tagged")), []string{"r1", "last", "second"}; !slices.Equal(got, want) {
		t.Errorf("tagged over both runs: recorded %q, want %q", got, want)
	}
	if got, want := pipeBodies(p2.records("patterned")), []string{"r1", "r2", "last", "second"}; !slices.Equal(got, want) {
		t.Errorf("patterned over both runs: recorded %q, want %q", got, want)
	}
}

// TestClusterNamespace: on a cluster that creates nothing on first use,
// a trigger's instance is the namespace of its topic and group
// (INSTANCE%TOPIC, INSTANCE%GROUP), as rocketmq-client-go's
// WithNamespace names them, and the players function writes to an
// external Tablestore; a topic the cluster lacks fails Start, saying so.
func TestClusterNamespace(t *testing.T) {
	t.Parallel()
	ns := startStandIn(t, "topic MQ_INST_test players", "group MQ_INST_test GID_players_fc", "group MQ_INST_test GID_ns")
	prod := rmqclient.Start(t)
	prod.Must(t, wire.Request{Op: "producer", Name: "ns", NameServer: []string{ns}, Group: "GID_ns", Namespace: "MQ_INST_test",
		SendTimeout: 5 * time.Second})

	other, err := syaml.Load(writePipelineYAML(t, "pipeline-filters.yaml", t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = stack.Start(t.Context(), stack.Config{Project: other, RocketMQNameServers: []string{ns}})
	if err == nil || !strings.Contains(err.Error(), "the cluster at "+ns+" has no topic orders: create it there") {
		t.Fatalf("start on a cluster without the topic: %v", err)
	}
	proj, err := syaml.Load("testdata/players.yaml")
	if err != nil {
		t.Fatal(err)
	}

	body := `{"id":"2001","name":"zed","job":"mage","hero":"Lux"}`
	prod.Send(t, "ns", "players", wire.Message{Body: body, Tag: "register"})
	ts := startExternalTablestore(t)
	s, err := stack.Start(t.Context(), stack.Config{Project: proj, RocketMQNameServers: []string{ns}, TablestoreEndpoint: ts.endpoint,
		TablestoreInstance: ts.instance, TablestoreAccessKeyID: ts.id, TablestoreAccessKeySecret: ts.secret})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	waitRow(t, ts.client(), "2001", "zed")
	if n := lag(t, ns, "MQ_INST_test%players", "MQ_INST_test%GID_players_fc"); n != 0 {
		t.Errorf("%d messages of MQ_INST_test%%players not committed by MQ_INST_test%%GID_players_fc", n)
	}
}

// externalTablestore is a Tablestore of its own standing in for a
// shared one, with an instance name and key unlike the local one's.
type externalTablestore struct {
	srv                            *ots.Server
	endpoint, instance, id, secret string
}

func (e externalTablestore) client() *tablestore.TableStoreClient {
	return tablestore.NewClient(e.endpoint, e.instance, e.id, e.secret)
}

func startExternalTablestore(t *testing.T) externalTablestore {
	t.Helper()
	e := externalTablestore{instance: "staging", id: "staging-key", secret: "staging-secret"}
	ts := otstest.NewWithConfig(t, ots.Config{Instance: e.instance, AccessKeyID: e.id, AccessKeySecret: e.secret})
	e.endpoint, e.srv = ts.Endpoint, ts.OTS()
	return e
}

// waitRow waits for the players row id to have Name name.
func waitRow(t *testing.T, c *tablestore.TableStoreClient, id, name string) {
	t.Helper()
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", id)
	var lastErr error
	defer func() {
		if t.Failed() && lastErr != nil {
			t.Logf("last GetRow error: %v", lastErr)
		}
	}()
	testwait.Until(t, 90*time.Second, fmt.Sprintf("row for player %s with Name %s", id, name), func() bool {
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1, ColumnsToGet: []string{"Name"}}})
		lastErr = err
		return err == nil && len(resp.Columns) == 1 && resp.Columns[0].Value == name
	})
}

// TestExternalTablestore: with Config.TablestoreEndpoint the local
// Tablestore is not started and the players function writes its rows to
// that instance, signing with the key given (the instance accepts no
// other).
func TestExternalTablestore(t *testing.T) {
	t.Parallel()
	ts := startExternalTablestore(t)
	proj, err := syaml.Load("testdata/players.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(t.Context(), stack.Config{Project: proj, TablestoreEndpoint: ts.endpoint + "/", TablestoreInstance: ts.instance,
		TablestoreAccessKeyID: ts.id, TablestoreAccessKeySecret: ts.secret, ConsoleListen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if s.Tablestore != nil || s.TablestoreEndpoint != ts.endpoint || s.TablestoreInstance != ts.instance {
		t.Fatalf("external Tablestore: local %v, endpoint %q, instance %q", s.Tablestore, s.TablestoreEndpoint, s.TablestoreInstance)
	}
	cred := s.MQ.Credentials()
	p := mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "").GetProducer("MQ_INST_test", "players")
	for i := range 3 {
		body := fmt.Sprintf(`{"id":"%d","name":"p%d","job":"mage","hero":"Lux"}`, 3000+i, i)
		if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body, MessageTag: "register"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		waitRow(t, ts.client(), strconv.Itoa(3000+i), fmt.Sprint("p", i))
	}
	// The console's table browser reads that instance.
	req, _ := http.NewRequest("GET", s.ConsoleURL+"/api/tables", nil)
	req.Header.Set(console.TokenHeader, s.ConsoleToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tables any
	json.NewDecoder(resp.Body).Decode(&tables)
	if b, _ := json.Marshal(tables); resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "players") {
		t.Errorf("console tables: %d %s", resp.StatusCode, b)
	}
}

// TestClusterConfigValidate: the settings of a cluster and of an
// external Tablestore are checked, with errors naming the field.
func TestClusterConfigValidate(t *testing.T) {
	t.Parallel()
	proj := &syaml.Project{}
	cluster := func(edit func(*stack.Config)) stack.Config {
		cfg := stack.Config{Project: proj, RocketMQNameServers: []string{"127.0.0.1:9876"}}
		edit(&cfg)
		return cfg
	}
	ts := func(edit func(*stack.Config)) stack.Config {
		cfg := stack.Config{Project: proj, TablestoreEndpoint: "https://staging.cn-hangzhou.ots.aliyuncs.com", TablestoreInstance: "staging",
			TablestoreAccessKeyID: "id", TablestoreAccessKeySecret: "secret"}
		edit(&cfg)
		return cfg
	}
	for _, ok := range []stack.Config{
		{Project: proj},
		cluster(func(c *stack.Config) {}),
		cluster(func(c *stack.Config) {
			c.RocketMQNameServers = []string{"mq-1.staging:9876", "[::1]:9876"}
			c.RocketMQCredentials = remoting.Credentials{AccessKey: "ak", SecretKey: "sk"}
			c.NoRemoting = true
		}),
		ts(func(c *stack.Config) {}),
		ts(func(c *stack.Config) {
			c.TablestoreEndpoint, c.TablestoreSecurityToken = "http://127.0.0.1:8021/", "token"
		}),
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for want, bad := range map[string]stack.Config{
		"Config.Project is nil":                              {},
		`RocketMQNameServers: "mq.staging" is not host:port`: cluster(func(c *stack.Config) { c.RocketMQNameServers = []string{"mq.staging"} }),
		`RocketMQNameServers: ":9876" is not host:port`:      cluster(func(c *stack.Config) { c.RocketMQNameServers = []string{":9876"} }),
		`"h:0" is not host:port`:                             cluster(func(c *stack.Config) { c.RocketMQNameServers = []string{"h:0"} }),
		"MQListen is a setting of the local RocketMQ":        cluster(func(c *stack.Config) { c.MQListen = "127.0.0.1:0" }),
		"NameServerListen is a setting":                      cluster(func(c *stack.Config) { c.NameServerListen = "127.0.0.1:0" }),
		"RemotingListen is a setting":                        cluster(func(c *stack.Config) { c.RemotingListen = "127.0.0.1:0" }),
		"GRPCListen is a setting":                            cluster(func(c *stack.Config) { c.GRPCListen = "127.0.0.1:0" }),
		"NoGRPC is a setting":                                cluster(func(c *stack.Config) { c.NoGRPC = true }),
		"ACL is a setting":                                   cluster(func(c *stack.Config) { c.ACL = true }),
		"Topics is a setting":                                cluster(func(c *stack.Config) { c.Topics = []stack.Name{{Name: "t"}} }),
		"Groups is a setting":                                cluster(func(c *stack.Config) { c.Groups = []stack.Name{{Name: "g"}} }),
		"Retention is a setting":                             cluster(func(c *stack.Config) { c.Retention = time.Hour }),
		"the access key and the secret key go together": cluster(func(c *stack.Config) {
			c.RocketMQCredentials = remoting.Credentials{AccessKey: "ak"}
		}),
		"a security token needs its access key": cluster(func(c *stack.Config) {
			c.RocketMQCredentials = remoting.Credentials{SecurityToken: "t"}
		}),
		"RocketMQCredentials without RocketMQNameServers":                      {Project: proj, RocketMQCredentials: remoting.Credentials{AccessKey: "a", SecretKey: "s"}},
		`TablestoreEndpoint: "staging:8020" is not an http:// or https:// URL`: ts(func(c *stack.Config) { c.TablestoreEndpoint = "staging:8020" }),
		"without a path, query or user":                                        ts(func(c *stack.Config) { c.TablestoreEndpoint = "https://h/x" }),
		"TablestoreInstance is required":                                       ts(func(c *stack.Config) { c.TablestoreInstance = "" }),
		"TablestoreAccessKeyID and TablestoreAccessKeySecret are required":     ts(func(c *stack.Config) { c.TablestoreAccessKeySecret = "" }),
		"TablestoreListen is a setting of the local Tablestore":                ts(func(c *stack.Config) { c.TablestoreListen = "127.0.0.1:0" }),
		"need TablestoreEndpoint":                                              {Project: proj, TablestoreAccessKeyID: "id"},
	} {
		err := bad.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", bad, err, want)
		}
		if _, serr := stack.Start(t.Context(), bad); serr == nil || serr.Error() != fmt.Sprint(err) {
			t.Errorf("Start %+v: %v, want the error of Validate", bad, serr)
		}
	}
}
