package fn_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// failures returns the InvokeError's failures as index:id:error.
func failures(t *testing.T, err error) []string {
	t.Helper()
	var ie *fn.InvokeError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an *InvokeError", err)
	}
	var out []string
	for _, f := range ie.Failures {
		out = append(out, fmt.Sprintf("%d:%s:%s", f.Index, f.MessageID, f.Error))
	}
	return out
}

// TypedItems fails items one by one; an error it returns fails the rest,
// and the items it failed keep their own errors.
func TestTypedItems(t *testing.T) {
	payload := batch(
		mq("1", "t", "", `{"id":"a"}`), mq("2", "t", "", `{"id":2}`), mq("3", "t", "", `{"id":"c"}`),
		mq("4", "t", "", `{"id":"d"}`))
	var seen []string
	var giveUp error
	app := fn.New()
	app.HandleBatch("*", "*", fn.TypedItems(func(ctx context.Context, items []*fn.Item[Player]) error {
		seen = seen[:0]
		for _, it := range items {
			seen = append(seen, it.Message.ID+"="+it.Value.ID)
			if it.Value.ID == "c" {
				it.Fail(errors.New("c is taken"))
			}
		}
		return giveUp
	}))
	_, err := app.Invoke(context.Background(), payload)
	if got, want := strings.Join(seen, " "), "1=a 3=c 4=d"; got != want {
		t.Errorf("items %s, want %s (the undecodable one left out)", got, want)
	}
	got := failures(t, err)
	if len(got) != 2 || !strings.HasPrefix(got[0], "1:2:") || got[1] != "2:3:c is taken" {
		t.Errorf("failures %q, want message 2 (body) at index 1 and message 3 (Fail) at index 2", got)
	}

	giveUp = errors.New("store down")
	got = failures(t, must2(app.Invoke(context.Background(), payload)))
	want := []string{"0:1:store down", "2:3:c is taken", "3:4:store down"}
	if len(got) != 4 || !slices.Equal([]string{got[0], got[2], got[3]}, want) {
		t.Errorf("failures %q, want %q around the body failure", got, want)
	}
}

func must2(_ []byte, err error) error { return err }

// Fail(nil) still fails the item.
func TestItemFailNil(t *testing.T) {
	app := fn.New()
	app.HandleBatch("*", "*", fn.TypedItems(func(ctx context.Context, items []*fn.Item[string]) error {
		items[1].Fail(nil)
		if items[1].Err() == nil {
			t.Error("Err after Fail(nil) = nil")
		}
		return nil
	}))
	got := failures(t, must2(app.Invoke(context.Background(), batch(mq("1", "t", "", "x"), mq("2", "t", "", "y")))))
	if len(got) != 1 || got[0] != "1:2:item failed" {
		t.Errorf("failures %q", got)
	}
}

// The work an item does in its Context is the item's: a committer drops
// it with the item.
func TestItemContext(t *testing.T) {
	rec := &commitRecorder{}
	app := fn.New(fn.WithCommitter(rec))
	app.HandleBatch("*", "*", fn.TypedItems(func(ctx context.Context, items []*fn.Item[string]) error {
		for _, it := range items {
			deferWrite(it.Context(ctx), it.Value)
			if it.Value == "bad" {
				it.Fail(errors.New("rejected"))
			}
		}
		return nil
	}))
	_, err := app.Invoke(context.Background(), batch(mq("1", "t", "", "ok"), mq("2", "t", "", "bad"), mq("3", "t", "", "ok")))
	if got := failures(t, err); len(got) != 1 || got[0] != "1:2:rejected" {
		t.Errorf("failures %q", got)
	}
	if got := strings.Join(rec.deferred, " "); got != "1:ok 2:bad 3:ok" {
		t.Errorf("deferred %s, want each write attributed to its item", got)
	}
	if got := strings.Join(rec.handled, " "); got != "1 3" {
		t.Errorf("committed %s, want the items that did not fail", got)
	}
}

// A MessageError names a message by position and ID, so a copy of the
// Message names it too; one naming a message outside the call fails the
// whole call instead of vanishing.
func TestMessageErrorMatching(t *testing.T) {
	var outsider event.Message
	app := fn.New()
	app.HandleBatch("*", "*", fn.BatchFunc(func(ctx context.Context, msgs []*event.Message) (any, error) {
		copied := *msgs[1]
		switch msgs[0].Text() {
		case "copy":
			return nil, fn.MessageError(&copied, errors.New("by copy"))
		case "outsider":
			outsider = *msgs[1]
			outsider.ID = "not-in-the-call"
			return nil, fn.MessageError(&outsider, errors.New("lost?"))
		default:
			return nil, fn.MessageError(nil, errors.New("no message"))
		}
	}))
	got := failures(t, must2(app.Invoke(context.Background(), batch(mq("1", "t", "", "copy"), mq("2", "t", "", "")))))
	if len(got) != 1 || got[0] != "1:2:by copy" {
		t.Errorf("copy: failures %q, want message 2 alone", got)
	}
	got = failures(t, must2(app.Invoke(context.Background(), batch(mq("1", "t", "", "outsider"), mq("2", "t", "", "")))))
	if len(got) != 2 || !strings.Contains(got[0], "lost?") || !strings.Contains(got[0], "not one of this call's") {
		t.Errorf("outsider: failures %q, want every message failed with the error", got)
	}
	got = failures(t, must2(app.Invoke(context.Background(), batch(mq("1", "t", "", "nil"), mq("2", "t", "", "")))))
	if len(got) != 2 || !strings.HasSuffix(got[1], ":no message") {
		t.Errorf("nil message: failures %q, want every message failed", got)
	}
}

// An App commits through each of its committers, in order; a message one
// fails is not committed by the next.
func TestSeveralCommitters(t *testing.T) {
	first := &commitRecorder{fail: map[string]error{"2": errors.New("first refused")}}
	second := &commitRecorder{}
	app := fn.New(fn.WithCommitter(first), fn.WithCommitter(second))
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		if ctx.Value(collectorKey{}) == nil {
			return nil, errors.New("no committer context")
		}
		return nil, nil
	}))
	got := failures(t, must2(app.Invoke(context.Background(), batch(mq("1", "t", "", ""), mq("2", "t", "", ""), mq("3", "t", "", "")))))
	if len(got) != 1 || got[0] != "1:2:first refused" {
		t.Errorf("failures %q", got)
	}
	if a, b := strings.Join(first.handled, " "), strings.Join(second.handled, " "); a != "1 2 3" || b != "1 3" {
		t.Errorf("first committed %q, second %q; want 1 2 3, then 1 3", a, b)
	}
}
