package stack

import (
	"context"
	"maps"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// TestClusterEnv: on a RocketMQ cluster and an external Tablestore,
// functions get the cluster's name servers in NAMESRV_ADDR, no
// MQ_ENDPOINT, the external endpoint and instance, and the key given for
// it as their credentials; never the local services' ones.
func TestClusterEnv(t *testing.T) {
	s := &Stack{RocketMQNameServers: []string{"mq-1.staging:9876", "mq-2.staging:9876"}}
	cfg := Config{Project: &syaml.Project{}, TablestoreEndpoint: "https://staging.cn-hangzhou.ots.aliyuncs.com/", TablestoreInstance: "staging",
		TablestoreAccessKeyID: "staging-id", TablestoreAccessKeySecret: "staging-secret", TablestoreSecurityToken: "token"}
	if err := s.startTablestore(cfg, ""); err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	want := map[string]string{
		"TABLESTORE_ENDPOINT": "https://staging.cn-hangzhou.ots.aliyuncs.com",
		"TABLESTORE_INSTANCE": "staging",
		"NAMESRV_ADDR":        "mq-1.staging:9876;mq-2.staging:9876",
		"ROCKETFN_LOCAL":      "true",
	}
	if got := s.FunctionEnv(); !maps.Equal(got, want) {
		t.Errorf("environment %v, want %v", got, want)
	}
	if got, want := s.creds(), (fcinvoker.Credentials{AccessKeyID: "staging-id", AccessKeySecret: "staging-secret", SecurityToken: "token"}); got != want {
		t.Errorf("credentials %+v, want %+v", got, want)
	}
	if s.Tablestore != nil || len(s.closers) != 0 {
		t.Errorf("a local Tablestore was started: %v", s.Tablestore)
	}

	// Locally: the local services and STS credentials of the local Tablestore.
	l := &Stack{MQEndpoint: "http://127.0.0.1:8080", NameServer: "127.0.0.1:9876", GRPCEndpoint: "127.0.0.1:8081"}
	if err := l.startTablestore(Config{TablestoreListen: "127.0.0.1:0"}, ""); err != nil {
		t.Fatal(err)
	}
	defer l.Close(context.Background())
	env := l.FunctionEnv()
	if env["MQ_ENDPOINT"] != l.MQEndpoint || env["NAMESRV_ADDR"] != l.NameServer || env["MQ_GRPC_ENDPOINT"] != l.GRPCEndpoint ||
		env["TABLESTORE_ENDPOINT"] != l.TablestoreEndpoint || env["TABLESTORE_INSTANCE"] != l.Tablestore.Instance() {
		t.Errorf("local environment %v", env)
	}
	if c := l.creds(); c.SecurityToken == "" || c.AccessKeyID == l.Tablestore.Credentials().AccessKeyID {
		t.Errorf("local credentials %+v: want STS ones", c)
	}
}
