package broker

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStrictMode(t *testing.T) {
	b, _ := newTestBroker(t, Config{Strict: true})
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: []byte("x")}); !errors.Is(err, ErrTopicNotExist) {
		t.Fatalf("Publish to an unknown topic: %v", err)
	}
	r := ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1}
	if _, err := b.Consume(ctx, r); !errors.Is(err, ErrTopicNotExist) {
		t.Fatalf("Consume of an unknown topic: %v", err)
	}
	if err := b.CreateTopic("", "T"); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateTopic("", "T"); err != nil {
		t.Fatalf("creating an existing topic: %v", err)
	}
	if _, err := b.Consume(ctx, r); !errors.Is(err, ErrGroupNotExist) || !strings.Contains(err.Error(), "GID-a") {
		t.Fatalf("Consume by an unknown group: %v", err)
	}
	if _, err := b.ConsumeHalf(ctx, r); !errors.Is(err, ErrGroupNotExist) {
		t.Fatalf("ConsumeHalf by an unknown group: %v", err)
	}
	if _, err := b.Ack(ctx, "", "T", "GID-a", []string{"h"}); !errors.Is(err, ErrGroupNotExist) {
		t.Fatalf("Ack by an unknown group: %v", err)
	}
	if _, err := b.DeadLetters("", "T", "GID-a"); !errors.Is(err, ErrGroupNotExist) {
		t.Fatalf("DeadLetters of an unknown group: %v", err)
	}
	if err := b.Commit(ctx, "", "Nope", "", (handle{kind: handleHalf, scope: scopeOf(topicID{"", "Nope"}.key())}).String()); !errors.Is(err, ErrTopicNotExist) {
		t.Fatalf("Commit on an unknown topic: %v", err)
	}
	if err := b.CreateGroup("", "GID-a"); err != nil {
		t.Fatal(err)
	}
	publishBodies(t, b, "T", "x")
	wantBodies(t, mustConsume(t, b, r), "x")
	if _, err := b.Publish(ctx, Message{Instance: "MQ_INST_other", Topic: "T"}); !errors.Is(err, ErrTopicNotExist) {
		t.Fatalf("topics are per instance: %v", err)
	}
}

func TestValidation(t *testing.T) {
	b, _ := newTestBroker(t, Config{MaxBodySize: 10})
	long := strings.Repeat("a", 65)
	pub := map[string]Message{
		"empty topic":         {},
		"topic characters":    {Topic: "a/b"},
		"topic length":        {Topic: long},
		"instance characters": {Instance: "a b", Topic: "T"},
		"tag with bar":        {Topic: "T", Tag: "a|b"},
		"property key":        {Topic: "T", Properties: map[string]string{"a\x01b": "v"}},
		"property value":      {Topic: "T", Properties: map[string]string{"k": "v\x02"}},
		"empty property key":  {Topic: "T", Properties: map[string]string{"": "v"}},
		"reserved property":   {Topic: "T", Properties: map[string]string{"__SHARDINGKEY": "v"}},
		"keys":                {Topic: "T", Keys: "a\x02b"},
		"sharding key":        {Topic: "T", ShardingKey: "it\x01s"},
		"negative delay":      {Topic: "T", StartDeliverTime: -1},
		"negative immunity":   {Topic: "T", TransCheckImmunity: -1},
	}
	for name, m := range pub {
		if _, err := b.Publish(ctx, m); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: Publish: %v", name, err)
		}
	}
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: make([]byte, 11)}); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("11-byte body: %v", err)
	}
	_, err := b.Publish(ctx, Message{Topic: "T", Properties: map[string]string{"k": "a\x01b"}})
	if err == nil || !strings.Contains(err.Error(), `"k"`) {
		t.Errorf("property error does not name the property: %v", err)
	}
	// The MQ HTTP SDK's character rule is the HTTP layer's: the remoting
	// protocol carries any character but its separators.
	mustPublish(t, b, Message{Topic: "T", Keys: "a&b", ShardingKey: "it's",
		Properties: map[string]string{"url": "http://x/?a=1&b=<2>", "a:b": "c|d"}})
	okTopic := "CID-" + strings.Repeat("x", 60)
	mustPublish(t, b, Message{Topic: okTopic, Body: []byte("ok"), Instance: "MQ_INST_1.a"})
	ok := ConsumeRequest{Topic: "T", Group: "GID-a", Max: 1}
	consume := map[string]func(*ConsumeRequest){
		"max 0":      func(r *ConsumeRequest) { r.Max = 0 },
		"max 17":     func(r *ConsumeRequest) { r.Max = 17 },
		"wait 31s":   func(r *ConsumeRequest) { r.Wait = 31 * time.Second },
		"wait < 0":   func(r *ConsumeRequest) { r.Wait = -1 },
		"no group":   func(r *ConsumeRequest) { r.Group = "" },
		"group name": func(r *ConsumeRequest) { r.Group = "G?" },
		"tag expr":   func(r *ConsumeRequest) { r.Tag = "||" },
	}
	for name, change := range consume {
		r := ok
		change(&r)
		if _, err := b.Consume(ctx, r); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: Consume: %v", name, err)
		}
		if r.Group == "" {
			continue // ConsumeHalf takes no group for the remoting protocol's check
		}
		if _, err := b.ConsumeHalf(ctx, r); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: ConsumeHalf: %v", name, err)
		}
	}
	if err := b.CreateGroup("", "bad group"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("CreateGroup: %v", err)
	}
	if _, err := b.Redrive(ctx, "", "", "GID-a", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Redrive: %v", err)
	}
}

// TestUnknownTopicNamesTheKnownOnes checks that ErrTopicNotExist says
// which topics the instance has or, for an instance without topics, which
// instances have them, so a missing instance shows at once.
func TestUnknownTopicNamesTheKnownOnes(t *testing.T) {
	b, _ := newTestBroker(t, Config{Strict: true})
	_, err := b.Publish(ctx, Message{Topic: "orders"})
	if !errors.Is(err, ErrTopicNotExist) || !strings.Contains(err.Error(), "none has topics") {
		t.Fatalf("empty broker: %v", err)
	}
	for _, topic := range []string{"orders", "players"} {
		if err := b.CreateTopic("MQ_INST_1", topic); err != nil {
			t.Fatal(err)
		}
	}
	_, err = b.Publish(ctx, Message{Instance: "MQ_INST_1", Topic: "order"})
	if !errors.Is(err, ErrTopicNotExist) || !strings.Contains(err.Error(), `its topics: "orders", "players"`) {
		t.Fatalf("mistyped topic: %v", err)
	}
	_, err = b.Publish(ctx, Message{Topic: "orders"})
	if !errors.Is(err, ErrTopicNotExist) || !strings.Contains(err.Error(), "the default instance") ||
		!strings.Contains(err.Error(), `instances with topics: "MQ_INST_1"`) {
		t.Fatalf("missing instance: %v", err)
	}
	if _, err := b.ResetOffset("MQ_INST_2", "orders", "GID-a", Position{}); !errors.Is(err, ErrTopicNotExist) || !strings.Contains(err.Error(), `"MQ_INST_1"`) {
		t.Fatalf("ResetOffset in an unknown instance: %v", err)
	}
}

// TestServiceLimits checks the 4.x series' limits: group names, the body
// of delayed and transactional messages, the size of properties.
func TestServiceLimits(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	for _, g := range []string{"G", "GID%x", "GID.x", strings.Repeat("g", MaxNameLen+1)} {
		if _, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: g, Max: 1}); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "group name") {
			t.Errorf("group %q: %v", g, err)
		}
	}
	for _, g := range []string{"GI", "GID_a-b", strings.Repeat("g", MaxNameLen)} {
		if _, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: g, Max: 1}); err != nil {
			t.Errorf("group %q: %v", g, err)
		}
	}

	big := make([]byte, MaxTimedBodySize+1)
	later := clock.Ms() + 60_000
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: big, StartDeliverTime: later}); !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "delayed") {
		t.Errorf("delayed message of %d bytes: %v", len(big), err)
	}
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: big, TransCheckImmunity: 10}); !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "transactional") {
		t.Errorf("transactional message of %d bytes: %v", len(big), err)
	}
	mustPublish(t, b, Message{Topic: "T", Body: big})
	mustPublish(t, b, Message{Topic: "T", Body: big[:MaxTimedBodySize], StartDeliverTime: later})
	if _, err := b.Publish(ctx, Message{Topic: "T", Body: make([]byte, DefaultMaxBodySize+1)}); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("normal message over 4 MB: %v", err)
	}

	props := map[string]string{"k": strings.Repeat("v", MaxPropertiesSize-3)} // "k:" + value + "|" is the limit
	mustPublish(t, b, Message{Topic: "T", Properties: props})
	if _, err := b.Publish(ctx, Message{Topic: "T", Properties: props, Keys: "a"}); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "properties are") {
		t.Errorf("properties one key over the limit: %v", err)
	}
}

// TestTagExpressions checks that consumers' tag expressions follow the
// one set of rules (package tagexpr), with the 4.x limit on their length.
func TestTagExpressions(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	mustPublish(t, b, Message{Topic: "T", Tag: "A", Body: []byte("a")})
	for _, expr := range []string{"||", "A||", "||A", "A||*", "A|B", strings.Repeat("a", MaxTagLen+1), strings.Repeat("A||", MaxTagExprLen/3+1) + "A"} {
		if _, err := b.Consume(ctx, ConsumeRequest{Topic: "T", Group: "GID-x", Tag: expr, Max: 1}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Consume with %.20q: %v", expr, err)
		}
		if _, err := b.Pull(ctx, PullRequest{Topic: "T", Tag: expr, Max: 1}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Pull with %.20q: %v", expr, err)
		}
	}
	wantBodies(t, mustConsume(t, b, ConsumeRequest{Topic: "T", Group: "GID-y", Tag: " B || A "}), "a")
}

// TestProducerMessageID checks that a producer's own message ID is kept
// and delivered, and that a malformed one is refused.
func TestProducerMessageID(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	const id = "7F00000100002A9F0000000000000001"
	if res := mustPublish(t, b, Message{Topic: "T", ID: id}); res.MessageID != id {
		t.Fatalf("published as %s, want %s", res.MessageID, id)
	}
	if ds := mustConsume(t, b, ConsumeRequest{Topic: "T"}); len(ds) != 1 || ds[0].ID != id {
		t.Fatalf("delivered %+v", ds)
	}
	for _, bad := range []string{"xyz", strings.Repeat("A", 65)} {
		if _, err := b.Publish(ctx, Message{Topic: "T", ID: bad}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ID %.10q: %v", bad, err)
		}
	}
}
