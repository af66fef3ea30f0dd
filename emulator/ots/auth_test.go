package ots_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

func TestAuthFailures(t *testing.T) {
	clock := time.Now()
	srv, good := start(t, ots.Config{Now: func() time.Time { return clock }})
	createTable(t, good, "t", 1, -1, strPK("id"))
	ep := srv.Endpoint()
	cred := srv.Credentials()

	cases := map[string]*tablestore.TableStoreClient{
		"wrong secret":   client(srv, ep, ots.Credentials{AccessKeyID: cred.AccessKeyID, AccessKeySecret: "wrong"}),
		"unknown key":    client(srv, ep, ots.Credentials{AccessKeyID: "nobody", AccessKeySecret: cred.AccessKeySecret}),
		"wrong instance": tablestore.NewClient(ep, "other", cred.AccessKeyID, cred.AccessKeySecret),
	}
	for name, c := range cases {
		_, err := c.ListTable()
		if otsCode(err) != ots.CodeAuthFailed {
			t.Errorf("%s: %v, want OTSAuthFailed", name, err)
		}
	}

	sts := srv.IssueSTS(time.Hour)
	c := client(srv, ep, sts)
	if _, err := c.ListTable(); err != nil {
		t.Fatalf("STS credentials: %v", err)
	}
	noToken := sts
	noToken.SecurityToken = "forged"
	_, err := client(srv, ep, noToken).ListTable()
	wantCode(t, err, ots.CodeAuthFailed)
	clock = clock.Add(2 * time.Hour)
	_, err = c.ListTable()
	wantCode(t, err, ots.CodeAuthFailed)
	if !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired token error = %v", err)
	}
}

func TestAuthHeaders(t *testing.T) {
	srv, _ := start(t, ots.Config{})
	body := mustMarshal(t, &pb.DescribeTableRequest{TableName: strp("t")})
	cases := []struct {
		name   string
		edit   func(http.Header)
		status int
		code   string
	}{
		{"signed", nil, 404, ots.CodeObjectNotExist},
		{"bad md5", func(h http.Header) { h.Set("x-ots-contentmd5", "1B2M2Y8AsgTpgAmY7PhCfg==") }, 403, ots.CodeAuthFailed},
		{"stale date", func(h http.Header) {
			h.Set("x-ots-date", time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"))
		}, 403, ots.CodeAuthFailed},
		{"no signature", func(h http.Header) { h.Del("x-ots-signature") }, 400, ots.CodeParameterInvalid},
		{"bad signature", func(h http.Header) { h.Set("x-ots-signature", "AAAA") }, 403, ots.CodeAuthFailed},
	}
	for _, tc := range cases {
		r := rawCall(t, srv, "DescribeTable", body, tc.edit)
		if r.status != tc.status || r.code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.status, r.code, tc.status, tc.code)
		}
	}
}

// TestResponseSignature checks the headers that SDKs other than Go's verify:
// content MD5 of the body, request ID, date, and the response signature.
func TestResponseSignature(t *testing.T) {
	srv, _ := start(t, ots.Config{})
	r := rawCall(t, srv, "ListTable", nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("ListTable status %d", r.status)
	}
	body, header := r.body, r.header
	sum := md5.Sum(body)
	if got := header.Get("x-ots-contentmd5"); got != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("x-ots-contentmd5 = %q", got)
	}
	if header.Get("x-ots-requestid") == "" || header.Get("x-ots-date") == "" {
		t.Errorf("missing request id or date: %v", header)
	}
	var names []string
	for n := range header {
		if l := strings.ToLower(n); strings.HasPrefix(l, "x-ots-") {
			names = append(names, l)
		}
	}
	sort.Strings(names)
	var s strings.Builder
	for _, n := range names {
		s.WriteString(n + ":" + header.Get(n) + "\n")
	}
	s.WriteString("/ListTable")
	cred := srv.Credentials()
	m := hmac.New(sha1.New, []byte(cred.AccessKeySecret))
	m.Write([]byte(s.String()))
	want := "OTS " + cred.AccessKeyID + ":" + base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := header.Get("Authorization"); got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
}
