package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// standInCluster runs "rocketfn mq" in a process of its own (the test
// binary as the command) as the shared RocketMQ cluster, and returns its
// banner's exports: its name server and, to publish with, its MQ HTTP
// endpoint and key.
func standInCluster(t *testing.T) map[string]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "mq", "--memory", "--listen", "127.0.0.1:0", "--nameserver-listen", "127.0.0.1:0", "--remoting-listen", "127.0.0.1:0", "--no-grpc")
	cmd.Env = append(os.Environ(), envCLIChild+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	env := map[string]string{}
	banner := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if rest, ok := strings.CutPrefix(line, "export "); ok {
				name, value, _ := strings.Cut(rest, "=")
				env[name] = value
			}
			if strings.HasPrefix(line, "Press Ctrl-C") {
				close(banner)
				break
			}
		}
		io.Copy(io.Discard, out)
		done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("stand-in cluster: %v\n%s", err, stderr.String())
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("stand-in cluster did not stop\n%s", stderr.String())
		}
	})
	select {
	case <-banner:
	case err := <-done:
		t.Fatalf("stand-in cluster exited: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("stand-in cluster printed no banner\n%s", stderr.String())
	}
	for _, name := range []string{envMQEndpoint, envNameServer, envAccessKeyID, envAccessKeySecret} {
		if env[name] == "" {
			t.Fatalf("stand-in cluster's banner has no %s: %v", name, env)
		}
	}
	return env
}

// TestDevSharedInfrastructure runs "rocketfn dev" on a RocketMQ cluster
// (--rocketmq-nameserver) and an existing Tablestore
// (--tablestore-endpoint, its secret from the environment): the banner
// names the cluster and the instance, says the embedded services are not
// started and prints no secret; a player published to the cluster
// becomes a row of that Tablestore.
func TestDevSharedInfrastructure(t *testing.T) {
	cl := standInCluster(t)
	ns := cl[envNameServer]
	// The cluster owns the topic: it exists before dev starts.
	prod := mq.NewAliyunMQClient(cl[envMQEndpoint], cl[envAccessKeyID], cl[envAccessKeySecret], "").GetProducer("MQ_INST_rocketfn", "players")
	if _, err := prod.PublishMessage(mq.PublishMessageRequest{MessageBody: `{"id":"4001","name":"cid","job":"mage","hero":"Lux"}`, MessageTag: "register"}); err != nil {
		t.Fatal(err)
	}

	ts := otstest.NewWithConfig(t, ots.Config{Instance: "staging", AccessKeyID: "staging-key", AccessKeySecret: "staging-secret-value"})
	endpoint := ts.Endpoint

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	getenv := func(name string) string {
		if name == envDevTSAccessKeySecret {
			return "staging-secret-value"
		}
		return ""
	}
	go func() {
		done <- devEnv(ctx, []string{"--file", "../../s.yaml", "--memory", "--functions", "players", "--console", "",
			"--rocketmq-nameserver", ns, "--tablestore-endpoint", endpoint, "--tablestore-instance", "staging",
			"--tablestore-access-key-id", "staging-key"}, w, io.Discard, getenv)
		w.Close()
	}()
	var banner lockedBuffer
	env := readBanner(t, io.TeeReader(out, &banner), envNameServer, envMQInstance, envTablestoreEndpoint, envTablestoreInstance, envAccessKeyID)
	text := banner.String()
	for _, want := range []string{
		"  RocketMQ cluster:    name servers " + ns + "\n",
		"the embedded RocketMQ is not started",
		"  Tablestore:          " + endpoint + "  instance staging  key staging-key\n",
		"the local Tablestore is not started",
		"rocketfn send, rocketfn mq backlog and rocketfn mq reset-offset act on the embedded RocketMQ: they are not available on a cluster",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the banner lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "staging-secret-value") || strings.Contains(text, "MQ HTTP") || env[envMQEndpoint] != "" {
		t.Errorf("the banner prints the secret or an MQ HTTP endpoint:\n%s", text)
	}
	if env[envNameServer] != ns || env[envMQInstance] != "MQ_INST_rocketfn" || env[envTablestoreEndpoint] != endpoint ||
		env[envTablestoreInstance] != "staging" || env[envAccessKeyID] != "staging-key" {
		t.Errorf("the banner exports %v", env)
	}
	c := tablestore.NewClient(endpoint, "staging", "staging-key", "staging-secret-value")
	waitPlayer(t, c, "4001", "cid")
	if _, err := prod.PublishMessage(mq.PublishMessageRequest{MessageBody: `{"id":"4002","name":"dee","job":"tank","hero":"Leona"}`, MessageTag: "register"}); err != nil {
		t.Fatal(err)
	}
	waitPlayer(t, c, "4002", "dee")
	stopDev(t, cancel, done)
}

// TestDevSharedFlags: the shared-infrastructure flags come from the
// command line or their environment variables, are checked, and make
// the stack configuration of a cluster and an external Tablestore
// without the embedded services' settings.
func TestDevSharedFlags(t *testing.T) {
	env := map[string]string{}
	getenv := func(name string) string { return env[name] }
	parse := func(args ...string) (devFlags, error) { return parseDevFlagsEnv(args, io.Discard, getenv) }

	f, err := parse("--rocketmq-nameserver", "mq-1.staging:9876,mq-2.staging:9876", "--rocketmq-access-key", "ak", "--rocketmq-secret-key", "sk")
	if err != nil {
		t.Fatal(err)
	}
	cfg := devConfig(f, nil, nil)
	if !slices.Equal(cfg.RocketMQNameServers, []string{"mq-1.staging:9876", "mq-2.staging:9876"}) ||
		cfg.RocketMQCredentials != (remoting.Credentials{AccessKey: "ak", SecretKey: "sk"}) ||
		cfg.MQListen != "" || cfg.NameServerListen != "" || cfg.RemotingListen != "" || cfg.GRPCListen != "" || cfg.Retention != 0 || cfg.TablestoreListen == "" {
		t.Errorf("cluster config %+v", cfg)
	}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "Project is nil") || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("the cluster config of the flags: %v, want only the missing project", err)
	}

	env = map[string]string{envDevNameServer: "mq.staging:9876", envDevMQAccessKey: "eak", envDevMQSecretKey: "esk",
		envDevTSEndpoint: "https://staging.cn-hangzhou.ots.aliyuncs.com", envDevTSInstance: "staging",
		envDevTSAccessKeyID: "tid", envDevTSAccessKeySecret: "tsecret"}
	if f, err = parse("--rocketmq-access-key", "flag-ak"); err != nil {
		t.Fatal(err)
	}
	cfg = devConfig(f, nil, nil)
	if !slices.Equal(cfg.RocketMQNameServers, []string{"mq.staging:9876"}) || cfg.RocketMQCredentials.AccessKey != "flag-ak" ||
		cfg.RocketMQCredentials.SecretKey != "esk" || cfg.TablestoreEndpoint != "https://staging.cn-hangzhou.ots.aliyuncs.com" ||
		cfg.TablestoreInstance != "staging" || cfg.TablestoreAccessKeyID != "tid" || cfg.TablestoreAccessKeySecret != "tsecret" || cfg.TablestoreListen != "" {
		t.Errorf("config from the environment %+v", cfg)
	}
	var help bytes.Buffer
	parseDevFlagsEnv([]string{"--help"}, &help, getenv)
	for _, name := range []string{envDevNameServer, envDevMQSecretKey, envDevTSEndpoint, envDevTSAccessKeySecret} {
		if !strings.Contains(help.String(), "$"+name) {
			t.Errorf("help does not name $%s", name)
		}
	}
	if strings.Contains(help.String(), "tsecret") || strings.Contains(help.String(), "esk") {
		t.Errorf("help prints a secret of the environment:\n%s", help.String())
	}

	env = map[string]string{}
	nsArgs := []string{"--rocketmq-nameserver", "mq.staging:9876"}
	tsArgs := []string{"--tablestore-endpoint", "https://staging.ots.aliyuncs.com", "--tablestore-instance", "staging",
		"--tablestore-access-key-id", "id", "--tablestore-access-key-secret", "secret"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rocketmq-nameserver", "mq.staging"}, `--rocketmq-nameserver "mq.staging": want host:port`},
		{[]string{"--rocketmq-nameserver", "a:9876,,b:9876"}, "want host:port"},
		{[]string{"--rocketmq-nameserver", "a:99999"}, "want host:port"},
		{append(nsArgs, "--mq-listen", "127.0.0.1:0"), "--rocketmq-nameserver and --mq-listen exclude each other"},
		{append(nsArgs, "--nameserver-listen", "127.0.0.1:0"), "--rocketmq-nameserver and --nameserver-listen exclude each other"},
		{append(nsArgs, "--remoting-listen", "127.0.0.1:0"), "--rocketmq-nameserver and --remoting-listen exclude each other"},
		{append(nsArgs, "--acl"), "--rocketmq-nameserver and --acl exclude each other"},
		{append(nsArgs, "--no-remoting"), "--rocketmq-nameserver and --no-remoting exclude each other"},
		{append(nsArgs, "--grpc-listen", "127.0.0.1:0"), "--rocketmq-nameserver and --grpc-listen exclude each other"},
		{append(nsArgs, "--no-grpc"), "--rocketmq-nameserver and --no-grpc exclude each other"},
		{append(nsArgs, "--topic", "t"), "--rocketmq-nameserver and --topic exclude each other"},
		{append(nsArgs, "--group", "g"), "--rocketmq-nameserver and --group exclude each other"},
		{append(nsArgs, "--retention", "1h"), "--rocketmq-nameserver and --retention exclude each other"},
		{append(nsArgs, "--rocketmq-access-key", "ak"), "--rocketmq-access-key and --rocketmq-secret-key go together"},
		{[]string{"--rocketmq-access-key", "ak", "--rocketmq-secret-key", "sk"}, "they need --rocketmq-nameserver"},
		{[]string{"--tablestore-endpoint", "staging:8020", "--tablestore-instance", "i"}, `--tablestore-endpoint "staging:8020": want the instance's URL`},
		{[]string{"--tablestore-endpoint", "https://h/path"}, "want the instance's URL"},
		{tsArgs[:2], "--tablestore-endpoint needs --tablestore-instance"},
		{tsArgs[:6], "--tablestore-endpoint needs --tablestore-access-key-id and --tablestore-access-key-secret"},
		{append(slices.Clone(tsArgs), "--tablestore-listen", "127.0.0.1:0"), "--tablestore-endpoint and --tablestore-listen exclude each other"},
		{[]string{"--tablestore-instance", "staging"}, "need --tablestore-endpoint"},
	} {
		_, err := parse(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.args, err, tc.want)
		}
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: %v is not a usage error", tc.args, err)
		}
	}
	if _, err := parse(append(append(slices.Clone(nsArgs), tsArgs...), "--functions", "players", "--console", "")...); err != nil {
		t.Errorf("both: %v", err)
	}
}
