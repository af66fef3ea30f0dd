package eventbridge

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// TestOffsetFirst: a new group of a CONSUME_FROM_FIRST_OFFSET trigger gets
// the messages published before the trigger was added.
func TestOffsetFirst(t *testing.T) {
	h := newHarness(t, nil, "")
	h.publishBodies("before-1", "before-2")
	h.add(Trigger{Offset: OffsetFirst, Mode: ModeEventDriven})
	h.publishBodies("after")
	h.settle(10)
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"before-1", "before-2", "after"}) {
		t.Fatalf("delivered %q, want the messages from before the trigger too", got)
	}
}

// TestOffsetLast: a CONSUME_FROM_LAST_OFFSET trigger, and one that sets
// no Offset, gets only the messages published after it was added.
func TestOffsetLast(t *testing.T) {
	for _, offset := range []string{OffsetLast, ""} {
		t.Run("offset="+offset, func(t *testing.T) {
			h := newHarness(t, nil, "")
			h.publishBodies("before-1", "before-2")
			tr := h.add(Trigger{Offset: offset, Mode: ModeEventDriven})
			h.publishBodies("after")
			h.settle(10)
			if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"after"}) {
				t.Fatalf("delivered %q, want only the message published after the trigger", got)
			}
			if got, _ := h.bridge.Trigger(tr.Name); got.Offset != OffsetLast {
				t.Errorf("Offset %q after Add, want %s", got.Offset, OffsetLast)
			}
		})
	}
}

// TestOffsetTimestamp: a CONSUME_FROM_TIMESTAMP trigger gets the messages
// published at or after its Timestamp, to the millisecond.
func TestOffsetTimestamp(t *testing.T) {
	h := newHarness(t, nil, "")
	h.publishBodies("old")
	h.clock.Advance(time.Minute)
	from := h.clock.Now()
	h.publishBodies("at-the-timestamp")
	h.clock.Advance(time.Millisecond)
	h.publishBodies("later")
	h.clock.Advance(time.Minute)
	h.add(Trigger{Offset: OffsetTimestamp, Timestamp: from, Mode: ModeEventDriven})
	h.publishBodies("after")
	h.settle(10)
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"at-the-timestamp", "later", "after"}) {
		t.Fatalf("delivered %q, want those from %v on", got, from)
	}
}

// TestOffsetKeepsExistingPosition: a group that exists keeps its position
// when its trigger is added again after a restart, whatever the Offset.
func TestOffsetKeepsExistingPosition(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bridge.db")
	store := openBolt(t, path)
	h := newHarness(t, store, "")
	h.publishBodies("before")
	tr := h.add(Trigger{Offset: OffsetLast, Mode: ModeEventDriven})
	h.publishBodies("first-run")
	h.settle(10)
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"first-run"}) {
		t.Fatalf("first run delivered %q", got)
	}

	h.restart(t, store, path)
	tr.Offset = OffsetFirst
	h.add(tr)
	h.settle(10)
	if got := deliveredBodies(h.rec); len(got) != 0 {
		t.Fatalf("after the restart with %s the group was moved: delivered %q", OffsetFirst, got)
	}
	h.publishBodies("second-run")
	h.settle(10)
	if got := deliveredBodies(h.rec); !slices.Equal(got, []string{"second-run"}) {
		t.Fatalf("second run delivered %q", got)
	}
}

// TestOffsetErrors: a bad Offset, a timestamp offset without Timestamp and
// an unknown topic or group of a strict broker are refused by Add, with
// what was wrong; no group is subscribed by a refused trigger.
func TestOffsetErrors(t *testing.T) {
	h := newHarness(t, nil, "")
	for _, c := range []struct {
		tr   Trigger
		want []string
	}{
		{Trigger{Offset: "CONSUME_FROM_NOWHERE"}, []string{`"CONSUME_FROM_NOWHERE"`, OffsetLast, OffsetFirst, OffsetTimestamp}},
		{Trigger{Offset: OffsetTimestamp}, []string{OffsetTimestamp, "needs a Timestamp"}},
	} {
		c.tr.Name, c.tr.Function, c.tr.Topic = "trig", "fn", "T"
		err := h.bridge.Add(c.tr, h.rec)
		if err == nil {
			t.Errorf("Add(Offset %q) accepted", c.tr.Offset)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Add(Offset %q): %v; want it to name %s", c.tr.Offset, err, w)
			}
		}
	}
	if bl, err := h.mq.Backlogs(""); err != nil || len(bl) != 0 {
		t.Errorf("refused triggers subscribed groups: %+v, %v", bl, err)
	}

	strict, err := broker.Open(broker.Config{Strict: true, Clock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	b, err := New(Config{Broker: strict, Clock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	tr := Trigger{Name: "trig", Function: "fn", Instance: "MQ_INST_1", Topic: "orders", Group: "GID_orders"}
	if err := b.Add(tr, h.rec); !errors.Is(err, broker.ErrTopicNotExist) || !strings.Contains(err.Error(), "orders") {
		t.Errorf("Add on an unknown topic of a strict broker: %v, want ErrTopicNotExist naming it", err)
	}
	if err := strict.CreateTopic("MQ_INST_1", "orders"); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(tr, h.rec); !errors.Is(err, broker.ErrGroupNotExist) || !strings.Contains(err.Error(), "GID_orders") {
		t.Errorf("Add with an unknown group of a strict broker: %v, want ErrGroupNotExist naming it", err)
	}
	if err := strict.CreateGroup("MQ_INST_1", "GID_orders"); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(tr, h.rec); err != nil {
		t.Errorf("Add once the topic and group exist: %v", err)
	}
}
