package rocketmq_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/conntest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

// TestUnsignedBodiesAreNotRead: requests with a wrong signature are
// refused on their headers; the server does not read their large bodies.
func TestUnsignedBodiesAreNotRead(t *testing.T) {
	srv, _ := start(t, rocketmq.Config{})
	conntest.CheckUnread(t, srv, 16, 4<<20, http.StatusForbidden, func(url string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, url+"/topics/t/messages", nil)
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("Content-MD5", "ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=")
		req.Header.Set("Authorization", "MQ "+srv.Credentials().AccessKeyID+":not-the-signature")
		return req
	})
}

// TestBodyDigestMismatch: a signed request whose body is not the one its
// Content-MD5 names is refused InvalidDigest, and nothing is published.
func TestBodyDigestMismatch(t *testing.T) {
	srv, c := start(t, rocketmq.Config{})
	status, code := rawCallDigest(t, srv, "POST", "/topics/t/messages",
		"<Message><MessageBody>forged</MessageBody></Message>", "<Message><MessageBody>signed</MessageBody></Message>")
	if status != http.StatusBadRequest || code != rocketmq.CodeInvalidDigest {
		t.Fatalf("%d %s, want 400 %s", status, code, rocketmq.CodeInvalidDigest)
	}
	if ms := consume(t, c.GetConsumer("", "t", "GID_a", ""), 16, 1, false); len(ms) != 0 {
		t.Fatalf("a refused message was published: %v", bodies(ms))
	}
}

// TestBodyBudget: a request whose body does not fit in what is left of the
// server's budget for bodies is answered TooManyRequests after the wait,
// and served once the budget has room.
func TestBodyBudget(t *testing.T) {
	srv, _ := start(t, rocketmq.Config{})
	free := srv.FillBodyBudget()
	msg := "<Message><MessageBody>x</MessageBody></Message>"
	if status, code := rawCall(t, srv, "POST", "/topics/t/messages", msg); status != http.StatusTooManyRequests || code != rocketmq.CodeTooManyRequests {
		t.Fatalf("with the budget full: %d %s, want 429 %s", status, code, rocketmq.CodeTooManyRequests)
	}
	free()
	if status, code := rawCall(t, srv, "POST", "/topics/t/messages", msg); status != http.StatusCreated {
		t.Fatalf("with the budget free: %d %s, want 201", status, code)
	}
}
