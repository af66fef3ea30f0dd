package fn_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// mq builds a RawData payload element for a message on topic with tag.
func mq(id, topic, tag, body string, user ...string) string {
	props := ""
	for i := 0; i+1 < len(user); i += 2 {
		if props != "" {
			props += ","
		}
		props += fmt.Sprintf("%q:%q", user[i], user[i+1])
	}
	return fmt.Sprintf(`{"topic":%q,"systemProperties":{"UNIQ_KEY":%q,"TAGS":%q},"userProperties":{%s},"body":%q}`, topic, id, tag, props, body)
}

func batch(elems ...string) []byte { return []byte("[" + strings.Join(elems, ",") + "]") }

// recorder is a handler that notes which route took which message.
func recorder(name string, seen *[]string) fn.Handler {
	return fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		*seen = append(*seen, name+":"+m.ID)
		return nil, nil
	})
}

func TestRouting(t *testing.T) {
	var seen []string
	app := fn.New()
	app.Handle("orders", "created || paid", recorder("orders-cp", &seen))
	app.Handle("orders", "*", recorder("orders-any", &seen),
		fn.Where(pattern.MustCompile(`{"data":{"userProperties":{"tenant":[{"prefix":"acme"}]}}}`)))
	app.Handle("orders", "refunded", recorder("orders-refunded", &seen))
	app.Handle("*", "*", recorder("rest", &seen))

	payload := batch(
		mq("1", "orders", "created", "a"),
		mq("2", "orders", "paid", "b"),
		mq("3", "orders", "shipped", "c", "tenant", "acme-eu"),
		mq("4", "orders", "refunded", "d", "tenant", "other"),
		mq("5", "orders", "shipped", "e", "tenant", "other"),
		mq("6", "users", "created", "f"),
	)
	if _, err := app.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	want := "orders-cp:1 orders-cp:2 orders-any:3 orders-refunded:4 rest:5 rest:6"
	if got := strings.Join(seen, " "); got != want {
		t.Errorf("routed %q\nwant   %q", got, want)
	}
}

func TestNoRouteFailsTheMessage(t *testing.T) {
	app := fn.New()
	app.Handle("orders", "created", recorder("x", new([]string)))
	_, err := app.Invoke(context.Background(), batch(mq("1", "orders", "created", ""), mq("2", "orders", "deleted", "")))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "2" {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, fn.ErrNoRoute) || !strings.Contains(ie.Failures[0].Error, `topic "orders", tag "deleted"`) {
		t.Errorf("failure = %+v", ie.Failures[0])
	}
}

func TestMatchTag(t *testing.T) {
	tests := []struct {
		expr, tag string
		want      bool
	}{
		{"*", "", true},
		{"*", "a", true},
		{"", "a", true},
		{"a", "a", true},
		{"a", "b", false},
		{"a", "", false},
		{"a||b", "b", true},
		{" a || b ", "b", true},
		{"a||b", "c", false},
		{"a||", "a", true},
	}
	for _, tt := range tests {
		if got := fn.MatchTag(tt.expr, tt.tag); got != tt.want {
			t.Errorf("MatchTag(%q, %q) = %v, want %v", tt.expr, tt.tag, got, tt.want)
		}
	}
}

func TestBatchRoutes(t *testing.T) {
	var calls [][]string
	app := fn.New()
	app.HandleBatch("orders", "*", fn.BatchFunc(func(ctx context.Context, msgs []*event.Message) (any, error) {
		var ids []string
		var errs []error
		for _, m := range msgs {
			ids = append(ids, m.ID)
			if m.Text() == "bad" {
				errs = append(errs, fn.MessageError(m, errors.New("rejected")))
			}
		}
		calls = append(calls, ids)
		return nil, errors.Join(errs...)
	}))
	var single []string
	app.Handle("*", "*", recorder("one", &single))
	_, err := app.Invoke(context.Background(), batch(
		mq("1", "orders", "a", "ok"), mq("2", "users", "a", "ok"), mq("3", "orders", "b", "bad"), mq("4", "orders", "c", "ok")))
	if fmt.Sprint(calls) != "[[1 3 4]]" || fmt.Sprint(single) != "[one:2]" {
		t.Errorf("batch calls %v, single %v", calls, single)
	}
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "3" || ie.Failures[0].Error != "rejected" {
		t.Fatalf("err = %v", err)
	}
}

func TestBatchErrorFailsAll(t *testing.T) {
	app := fn.New()
	app.HandleBatch("*", "*", fn.BatchFunc(func(ctx context.Context, msgs []*event.Message) (any, error) {
		return nil, errors.New("store down")
	}))
	_, err := app.Invoke(context.Background(), batch(mq("1", "t", "", ""), mq("2", "t", "", "")))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 2 || ie.Message != "2 of 2 messages failed; first: store down" {
		t.Fatalf("err = %v", err)
	}
}

func TestTypedBatch(t *testing.T) {
	var got []Player
	app := fn.New()
	app.HandleBatch("*", "*", fn.TypedBatch(func(ctx context.Context, ps []Player) error {
		got = append(got, ps...)
		return nil
	}))
	_, err := app.Invoke(context.Background(), batch(
		mq("1", "t", "", `{"id":"1"}`), mq("2", "t", "", `{"id":2}`), mq("3", "t", "", `{"id":"3"}`)))
	if fmt.Sprint(got) != "[{1   } {3   }]" {
		t.Errorf("handled %v", got)
	}
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "2" ||
		!strings.Contains(ie.Failures[0].Error, `body field "id": cannot use JSON number as string`) {
		t.Fatalf("err = %v", err)
	}
}
