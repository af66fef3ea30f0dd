package stack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// TestOffsetsAcrossRestart runs testdata/pipeline-offsets.yaml twice on
// the same data directory. The first run has only the "early" trigger;
// two messages are published, a minute apart. The second run adds
// triggers whose groups are new: CONSUME_FROM_FIRST_OFFSET gets both
// messages from before it, CONSUME_FROM_LAST_OFFSET neither,
// CONSUME_FROM_TIMESTAMP the one published at its Timestamp; "early"
// keeps its progress and gets neither again. All get the message
// published after the restart.
func TestOffsetsAcrossRestart(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	dir, data := t.TempDir(), t.TempDir()
	start := func(timestamp time.Time, functions []string) (*pipeline, func()) {
		t.Helper()
		path := writePipelineYAML(t, "pipeline-offsets.yaml", dir)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("TIMESTAMP_MS"), []byte(strconv.FormatInt(timestamp.UnixMilli(), 10)))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		proj, err := syaml.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s, err := stack.Start(ctx, stack.Config{Project: proj, DataDir: data, Clock: clock.Now, Functions: functions})
		if err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		stop := func() {
			once.Do(func() {
				if err := s.Close(context.Background()); err != nil {
					t.Errorf("close: %v", err)
				}
			})
		}
		t.Cleanup(stop)
		cred := s.MQ.Credentials()
		return &pipeline{Stack: s, t: t, dir: dir, clock: clock, timeout: 90 * time.Second,
			client: mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "")}, stop
	}
	publish := func(p *pipeline, body string) {
		t.Helper()
		if _, err := p.client.GetProducer("MQ_INST_offsets", "offsets").PublishMessage(mq.PublishMessageRequest{MessageBody: body}); err != nil {
			t.Fatalf("publish %s: %v", body, err)
		}
	}

	p, stop := start(clock.Now(), []string{"early"})
	publish(p, "m1")
	clock.Set(clock.Now().Add(time.Minute))
	second := clock.Now()
	publish(p, "m2")
	p.waitFor("m2 in the first run", p.has("early", "m2"))
	stop()

	p, _ = start(second, nil)
	publish(p, "m3")
	want := map[string][]string{
		"early":    {"m1", "m2", "m3"}, // m1 and m2 from the first run
		"first":    {"m1", "m2", "m3"},
		"last":     {"m3"},
		"fromtime": {"m2", "m3"},
	}
	for fn, bodies := range want {
		p.waitFor(fn+" handling m3", p.has(fn, "m3"))
		// Each trigger delivers in publish order, one message at a time:
		// once m3 is there, whatever came before it is too.
		if got := pipeBodies(p.records(fn)); !slices.Equal(got, bodies) {
			t.Errorf("%s recorded %q, want %q", fn, got, bodies)
		}
	}
}

// sdkCode is the MQ error code in an error of the official SDK.
func sdkCode(err error) string {
	if err == nil {
		return ""
	}
	m := regexp.MustCompile(`code: (\w+),`).FindStringSubmatch(err.Error())
	if m == nil {
		return "(no code in " + err.Error() + ")"
	}
	return m[1]
}

// TestStrictTopics: under the stack the local RocketMQ has only the
// topics and groups s.yaml's triggers and Config name, as the cloud has
// only those created: the official SDK gets TopicNotExist for another
// topic and SubscriptionNotExist for another group; declared ones work.
func TestStrictTopics(t *testing.T) {
	t.Parallel()
	p := startPipelineConfig(t, "pipeline-delayed.yaml", nil, func(cfg *stack.Config) {
		cfg.Topics = []stack.Name{{Name: "audit"}, {Instance: "MQ_INST_x", Name: "extra"}}
		cfg.Groups = []stack.Name{{Name: "GID_audit"}}
	})
	send := func(instance, topic, body string) error {
		_, err := p.client.GetProducer(instance, topic).PublishMessage(mq.PublishMessageRequest{MessageBody: body})
		return err
	}
	err := send("", "nosuch", "lost")
	if code := sdkCode(err); code != "TopicNotExist" {
		t.Fatalf("publish to an undeclared topic: code %s (%v), want TopicNotExist", code, err)
	}
	if err := send("MQ_INST_x", "later", "x"); sdkCode(err) != "TopicNotExist" {
		t.Errorf("publish to a trigger's topic in another instance: %v, want TopicNotExist", err)
	}
	if err := send("", "later", "to-the-trigger"); err != nil {
		t.Fatalf("publish to the trigger's topic: %v", err)
	}
	p.waitFor("the message to the trigger's topic", p.has("delayed", "to-the-trigger"))
	if err := send("MQ_INST_x", "extra", "declared"); err != nil {
		t.Errorf("publish to a declared topic of another instance: %v", err)
	}
	if err := send("", "audit", "audited"); err != nil {
		t.Fatalf("publish to a declared topic: %v", err)
	}
	consume := func(group string) ([]mq.ConsumeMessageEntry, error) {
		rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
		go p.client.GetConsumer("", "audit", group, "").ConsumeMessage(rc, ec, 16, 1)
		select {
		case r := <-rc:
			return r.Messages, nil
		case err := <-ec:
			return nil, err
		case <-time.After(30 * time.Second):
			t.Fatal("consume: no answer")
		}
		return nil, nil
	}
	if ms, err := consume("GID_audit"); err != nil || len(ms) != 1 || ms[0].MessageBody != "audited" {
		t.Errorf("consume as the declared group: %+v, %v", ms, err)
	}
	if _, err := consume("GID_undeclared"); sdkCode(err) != "SubscriptionNotExist" {
		t.Errorf("consume as an undeclared group: %v, want SubscriptionNotExist", err)
	}
	if got := p.Instances(); !slices.Equal(sorted(got), []string{"", "MQ_INST_x"}) {
		t.Errorf("Instances() = %q", got)
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestBacklogAndResetOnTheMQEndpoint: the stack's RocketMQ endpoint serves
// /api/backlog and /api/reset-offset beside MQ HTTP; a reset to the
// earliest message delivers the trigger's messages to its function again.
func TestBacklogAndResetOnTheMQEndpoint(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, "pipeline-delayed.yaml", nil, "")
	for _, body := range []string{"one", "two"} {
		p.publish("later", mq.PublishMessageRequest{MessageBody: body})
	}
	p.waitFor("both messages", p.count("delayed", 2))

	var bls []console.Backlog
	httpJSON(t, "GET", p.MQEndpoint+"/api/backlog", nil, http.StatusOK, &bls)
	if len(bls) != 1 || bls[0].Topic != "later" || bls[0].Group != "GID_delayed" || bls[0].Retained != 2 || bls[0].Ready+bls[0].InFlight != 0 {
		t.Fatalf("backlog %+v, want GID_delayed done with 2 retained messages", bls)
	}
	var res console.ResetResult
	httpJSON(t, "POST", p.MQEndpoint+"/api/reset-offset", console.ResetRequest{Topic: "later", Group: "GID_delayed", To: "earliest"}, http.StatusOK, &res)
	if res.Pending != 2 {
		t.Errorf("reset answered %+v, want 2 pending", res)
	}
	p.waitFor("both messages again", p.count("delayed", 4))
	if got := pipeBodies(p.records("delayed")); !slices.Equal(got, []string{"one", "two", "one", "two"}) {
		t.Errorf("recorded %q", got)
	}
	var fail struct{ Error string }
	httpJSON(t, "POST", p.MQEndpoint+"/api/reset-offset", console.ResetRequest{Topic: "later", Group: "GID_delayed", To: "soon"}, http.StatusBadRequest, &fail)
	if !strings.Contains(fail.Error, `"soon"`) {
		t.Errorf("a bad position: %q", fail.Error)
	}
}

// httpJSON makes a request with a JSON body (none when nil), checks the
// status and decodes the answer into v.
func httpJSON(t *testing.T, method, url string, body any, status int, v any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", method, url, resp.StatusCode, data, status)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s %s: %v: %s", method, url, err, data)
	}
}
