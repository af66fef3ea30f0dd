package fn_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

type collectorKey struct{}

// beganKey marks a context that r's Begin made, so that an App with
// several recorders can be checked to give each its own.
type beganKey struct{ r *commitRecorder }

// commitRecorder is a Committer that collects what handlers defer and fails
// the messages named in fail at commit.
type commitRecorder struct {
	deferred []string
	handled  []string
	fail     map[string]error
	panics   bool
}

func (r *commitRecorder) Begin(ctx context.Context) context.Context {
	r.deferred = nil
	return context.WithValue(context.WithValue(ctx, collectorKey{}, r), beganKey{r}, true)
}

func (r *commitRecorder) Commit(ctx context.Context, handled []*event.Message) error {
	if ctx.Value(beganKey{r}) == nil {
		return errors.New("commit without the context Begin made")
	}
	if r.panics {
		panic("store unreachable")
	}
	var errs []error
	for _, m := range handled {
		r.handled = append(r.handled, m.ID)
		if err := r.fail[m.ID]; err != nil {
			errs = append(errs, fn.MessageError(m, err))
		}
	}
	return errors.Join(errs...)
}

func deferWrite(ctx context.Context, what string) {
	r := ctx.Value(collectorKey{}).(*commitRecorder)
	m, _ := fn.MessageFromContext(ctx)
	r.deferred = append(r.deferred, m.ID+":"+what)
}

func TestCommitter(t *testing.T) {
	rec := &commitRecorder{fail: map[string]error{}}
	app := fn.New(fn.WithCommitter(rec))
	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p Player) error {
		deferWrite(ctx, p.ID)
		if p.ID == "1001" {
			return errors.New("bad player")
		}
		return nil
	}))
	payload := fixture(t, "players-batch.json")
	if _, err := app.Invoke(context.Background(), payload); err == nil || !strings.Contains(err.Error(), "bad player") {
		t.Fatalf("Invoke = %v, want the handler's failure", err)
	}
	if len(rec.deferred) != 3 {
		t.Errorf("deferred %v, want one write per message", rec.deferred)
	}
	if len(rec.handled) != 2 {
		t.Fatalf("committed %v, want the two messages whose handler succeeded", rec.handled)
	}

	// A commit failure of one message fails it alone.
	rec.handled = nil
	app2 := fn.New(fn.WithCommitter(rec))
	app2.Handle("players", "*", fn.Typed(func(ctx context.Context, p Player) error { return nil }))
	rec.fail[firstID(t, payload)] = errors.New("condition check failed")
	_, err := app2.Invoke(context.Background(), payload)
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || !strings.Contains(ie.Failures[0].Error, "condition check failed") {
		t.Fatalf("Invoke = %v, want one failed message", err)
	}

	// A panic in Commit fails every handled message.
	rec.panics = true
	_, err = app2.Invoke(context.Background(), payload)
	if !errors.As(err, &ie) || len(ie.Failures) != 3 {
		t.Fatalf("Invoke = %v, want every message failed", err)
	}
}

func firstID(t *testing.T, payload []byte) string {
	p, err := event.Decode(payload)
	if err != nil {
		t.Fatal(err)
	}
	return p.Messages[0].ID
}

func TestMessageContext(t *testing.T) {
	m := &event.Message{ID: "m1"}
	got, ok := fn.MessageFromContext(fn.MessageContext(context.Background(), m))
	if !ok || got != m {
		t.Fatalf("MessageFromContext = %v, %v", got, ok)
	}
}
