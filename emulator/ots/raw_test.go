package ots_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

// rawResult is the answer to a rawCall.
type rawResult struct {
	status int
	code   string // the Tablestore error code, when not 200
	body   []byte
	header http.Header
}

// rawCall sends a signed request the way the SDK does, after letting edit
// change the headers.
func rawCall(t *testing.T, srv *ots.Server, action string, body []byte, edit func(http.Header)) rawResult {
	t.Helper()
	return rawCallPath(t, srv, "/"+action, action, body, edit)
}

// rawCallPath sends a request signed for action to path.
func rawCallPath(t *testing.T, srv *ots.Server, path, action string, body []byte, edit func(http.Header)) rawResult {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.Endpoint()+path, bytes.NewReader(body))
	sign(req.Header, srv, action, body)
	if edit != nil {
		edit(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	res := rawResult{status: resp.StatusCode, body: b, header: resp.Header}
	if resp.StatusCode == http.StatusOK {
		return res
	}
	var e pb.Error
	if err := sdkproto.Unmarshal(b, &e); err != nil {
		t.Fatalf("status %d with a body that is not a Tablestore error: %q", resp.StatusCode, b)
	}
	res.code = e.GetCode()
	return res
}

// sign sets the headers the SDK sends, signed with the server's key.
func sign(h http.Header, srv *ots.Server, action string, body []byte) {
	cred := srv.Credentials()
	sum := md5.Sum(body)
	h.Set("x-ots-date", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
	h.Set("x-ots-apiversion", "2015-12-31")
	h.Set("x-ots-accesskeyid", cred.AccessKeyID)
	h.Set("x-ots-instancename", srv.Instance())
	h.Set("x-ots-contentmd5", base64.StdEncoding.EncodeToString(sum[:]))
	var s strings.Builder
	s.WriteString("/" + action + "\nPOST\n\n")
	for _, n := range []string{"x-ots-accesskeyid", "x-ots-apiversion", "x-ots-contentmd5", "x-ots-date", "x-ots-instancename"} {
		s.WriteString(n + ":" + h.Get(n) + "\n")
	}
	m := hmac.New(sha1.New, []byte(cred.AccessKeySecret))
	m.Write([]byte(s.String()))
	h.Set("x-ots-signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

func mustMarshal(t testing.TB, m sdkproto.Message) []byte {
	b, err := sdkproto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
