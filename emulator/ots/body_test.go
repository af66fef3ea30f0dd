package ots_test

import (
	"net/http"
	"strings"
	"testing"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/internal/conntest"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// TestUnsignedBodiesAreNotRead: requests with a wrong signature are
// refused on their headers; the server does not read their large bodies.
func TestUnsignedBodiesAreNotRead(t *testing.T) {
	srv, _ := start(t, ots.Config{})
	conntest.CheckUnread(t, srv, 16, 4<<20, http.StatusForbidden, func(url string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, url+"/PutRow", nil)
		sign(req.Header, srv, "PutRow", nil)
		req.Header.Set("x-ots-signature", "not-the-signature")
		return req
	})
}

// TestBodyMD5Mismatch: a signed request whose body is not the one its
// x-ots-contentmd5 names is refused as the service refuses it.
func TestBodyMD5Mismatch(t *testing.T) {
	srv, _ := start(t, ots.Config{})
	body := mustMarshal(t, &pb.DescribeTableRequest{TableName: strp("forged")})
	signed := mustMarshal(t, &pb.DescribeTableRequest{TableName: strp("signed")})
	r := rawCall(t, srv, "DescribeTable", body, func(h http.Header) { sign(h, srv, "DescribeTable", signed) })
	if r.status != http.StatusForbidden || r.code != ots.CodeAuthFailed || !strings.Contains(string(r.body), "Mismatch between MD5") {
		t.Fatalf("%d %s %q, want 403 %s on the MD5", r.status, r.code, r.body, ots.CodeAuthFailed)
	}
}

// TestBodyBudget: a request whose body does not fit in what is left of the
// server's budget for bodies is answered OTSServerBusy after the wait, and
// served once the budget has room.
func TestBodyBudget(t *testing.T) {
	srv, _ := start(t, ots.Config{})
	free := srv.FillBodyBudget()
	body := mustMarshal(t, &pb.DescribeTableRequest{TableName: strp("t")})
	if r := rawCall(t, srv, "DescribeTable", body, nil); r.status != http.StatusServiceUnavailable || r.code != ots.CodeServerBusy {
		t.Fatalf("with the budget full: %d %s, want 503 %s", r.status, r.code, ots.CodeServerBusy)
	}
	free()
	if r := rawCall(t, srv, "DescribeTable", body, nil); r.code != ots.CodeObjectNotExist {
		t.Fatalf("with the budget free: %d %s, want %s", r.status, r.code, ots.CodeObjectNotExist)
	}
}
