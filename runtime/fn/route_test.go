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

// long is a 129-byte tag, one over the limit on message tags.
var long = strings.Repeat("x", 129)

func TestMatchTag(t *testing.T) {
	tests := []struct {
		expr, tag string
		want      bool
	}{
		{"*", "", true},
		{"*", "a", true},
		{" * ", "a", true},
		{"", "a", true},
		{"", "", true},
		{"a", "a", true},
		{"a", "b", false},
		{"a", "", false},
		{"a", "A", false},
		{"a||b", "b", true},
		{" A || B ", "B", true},
		{" A || B ", " B ", false},
		{"a||b", "c", false},
		{"order created", "order created", true},
		{long[:128], long[:128], true},
		// Invalid expressions match nothing, not even the tags they name.
		{"||", "", false},
		{"||", "a", false},
		{"a||", "a", false},
		{"||a", "a", false},
		{"a||||b", "a", false},
		{"a||*", "a", false},
		{"a||*", "b", false},
		{"a|b", "a|b", false},
		{long, long, false},
	}
	for _, tt := range tests {
		if got := fn.MatchTag(tt.expr, tt.tag); got != tt.want {
			t.Errorf("MatchTag(%q, %q) = %v, want %v", tt.expr, tt.tag, got, tt.want)
		}
	}
}

// TestHandleRefusesInvalidTags registers a route for each expression: the
// valid ones register and take the messages they name, the invalid ones
// panic with an error naming the expression, from Handle and HandleBatch.
func TestHandleRefusesInvalidTags(t *testing.T) {
	tests := []struct {
		expr   string
		takes  string // a tag the route takes; "" for none checked
		reason string // in the panic; "" when the expression is valid
	}{
		{"*", "any", ""},
		{"", "any", ""},
		{" A || B ", "B", ""},
		{"||", "", "names no tag"},
		{" || ", "", "names no tag"},
		{"A||", "", "tag 2 of 2 is empty"},
		{"||A", "", "tag 1 of 2 is empty"},
		{"A||||B", "", "tag 2 of 3 is empty"},
		{"A||*", "", `"*" matches every tag on its own only`},
		{"A|B", "", "holds '|'"},
		{long, "", "is 129 bytes, over the limit of 128"},
	}
	h := recorder("r", new([]string))
	bh := fn.BatchFunc(func(context.Context, []*event.Message) (any, error) { return nil, nil })
	register := map[string]func(app *fn.App, expr string){
		"Handle":      func(app *fn.App, expr string) { app.Handle("orders", expr, h) },
		"HandleBatch": func(app *fn.App, expr string) { app.HandleBatch("orders", expr, bh) },
	}
	for name, reg := range register {
		for _, tt := range tests {
			app := fn.New()
			panicked := func() (v any) {
				defer func() { v = recover() }()
				reg(app, tt.expr)
				return nil
			}()
			if tt.reason == "" {
				if panicked != nil {
					t.Errorf("%s(%q) panicked: %v", name, tt.expr, panicked)
					continue
				}
				if _, err := app.Invoke(context.Background(), batch(mq("1", "orders", tt.takes, ""))); err != nil {
					t.Errorf("%s(%q): a message tagged %q: %v", name, tt.expr, tt.takes, err)
				}
				continue
			}
			err, _ := panicked.(error)
			want := fmt.Sprintf(`fn: route for topic "orders": tag expression %q: `, tt.expr)
			if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("%s(%q) panicked with %v, want an error %q...%q", name, tt.expr, panicked, want, tt.reason)
			}
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
