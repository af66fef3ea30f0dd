package fn_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

type Player struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Job  string `json:"job"`
	Hero string `json:"hero"`
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../event/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTyped(t *testing.T) {
	var got []Player
	app := fn.New()
	app.Handle("players", "register", fn.Typed(func(ctx context.Context, p Player) error {
		got = append(got, p)
		return nil
	}))
	out, err := app.Invoke(context.Background(), fixture(t, "players-batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		t.Errorf("response = %s, want none", out)
	}
	if len(got) != 3 || got[1] != (Player{"1002", "bob", "warrior", "Garen"}) {
		t.Errorf("handled %+v", got)
	}
}

func TestFailuresFailTheInvocation(t *testing.T) {
	app := fn.New()
	app.Handle("players", "*", fn.TypedMessage(func(ctx context.Context, p Player, m *event.Message) error {
		switch p.ID {
		case "1002":
			return errors.New("table busy")
		case "1003":
			panic("boom")
		}
		return nil
	}))
	_, err := app.Invoke(context.Background(), fixture(t, "players-batch.json"))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InvokeError", err)
	}
	if ie.Type != fn.ErrorMessagesFailed || len(ie.Failures) != 2 {
		t.Fatalf("err = %s", ie.JSON())
	}
	if f := ie.Failures[0]; f.MessageID != "AC14C305069E1B28CDFA3181CDA20002" || f.Index != 1 || f.Error != "table busy" {
		t.Errorf("first failure = %+v", f)
	}
	if f := ie.Failures[1]; !strings.Contains(f.Error, "handler panicked: boom") || !strings.Contains(f.Stack, "app_test.go") {
		t.Errorf("second failure = %+v", f)
	}
	var pe *fn.PanicError
	if !errors.As(err, &pe) {
		t.Errorf("errors.As(err, *PanicError) = false")
	}
	var body map[string]any
	if err := json.Unmarshal(ie.JSON(), &body); err != nil || body["errorType"] != "MessagesFailed" {
		t.Errorf("JSON = %s (%v)", ie.JSON(), err)
	}
}

func TestFailureHandler(t *testing.T) {
	var reported atomic.Int32
	app := fn.New(fn.WithFailureHandler(func(ctx context.Context, f fn.Failure) error {
		reported.Add(1)
		if f.Message.Topic != "players" {
			t.Errorf("failure without its message: %+v", f)
		}
		return nil
	}))
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, p Player) error {
		if p.ID == "1001" {
			return errors.New("no")
		}
		return nil
	}))
	if _, err := app.Invoke(context.Background(), fixture(t, "players-batch.json")); err != nil {
		t.Fatalf("err = %v, want the failure reported, not returned", err)
	}
	if reported.Load() != 1 {
		t.Errorf("reported %d failures", reported.Load())
	}
}
