package httpserve

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestBudget: a body over what is left of the budget waits for it and then
// is refused busy; one that fits is read; bodies over the limit are
// refused; a body of unknown length holds only its length once read.
func TestBudget(t *testing.T) {
	b := NewBudget(10, 50*time.Millisecond)
	post := func(body string, length int64) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.ContentLength = length
		return r
	}
	body, release, err := b.ReadBody(post("0123456789", 10), 100)
	if err != nil || string(body) != "0123456789" {
		t.Fatalf("read %q, %v", body, err)
	}
	if _, _, err := b.ReadBody(post("x", 1), 100); !errors.Is(err, ErrBusy) {
		t.Fatalf("a body over the budget: %v, want ErrBusy", err)
	}
	release()
	var tooLarge *http.MaxBytesError
	if _, _, err := b.ReadBody(post(strings.Repeat("x", 101), 101), 100); !errors.As(err, &tooLarge) {
		t.Fatalf("a body over the limit: %v", err)
	}
	if _, _, err := b.ReadBody(post(strings.Repeat("x", 101), -1), 100); !errors.As(err, &tooLarge) {
		t.Fatalf("a body of unknown length over the limit: %v", err)
	}
	body, release, err = b.ReadBody(post("abc", -1), 100)
	if err != nil || string(body) != "abc" {
		t.Fatalf("read %q, %v", body, err)
	}
	if err := b.Take(context.Background(), 7); err != nil {
		t.Fatalf("a body of 3 bytes of unknown length holds more: %v", err)
	}
	b.Give(7)
	release()
	if err := b.Take(context.Background(), 10); err != nil {
		t.Fatalf("released bodies still hold the budget: %v", err)
	}
}

// TestBudgetReadError: a body that fails to arrive gives its bytes back.
func TestBudgetReadError(t *testing.T) {
	b := NewBudget(10, 50*time.Millisecond)
	r := httptest.NewRequest(http.MethodPost, "/", io.LimitReader(strings.NewReader("abc"), 2))
	r.ContentLength = 3
	if _, _, err := b.ReadBody(r, 100); err == nil {
		t.Fatal("a short body was read")
	}
	if err := b.Take(context.Background(), 10); err != nil {
		t.Fatalf("a failed read still holds the budget: %v", err)
	}
}
