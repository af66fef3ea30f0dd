package rocketmq_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

// FuzzServe sends signed requests with arbitrary bodies and query strings
// to a server: every answer is a success or a well-formed <Error> or
// <Errors> document with a 4xx status, never a panic or a 500.
func FuzzServe(f *testing.F) {
	srv, err := rocketmq.New(rocketmq.Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	f.Add("POST", "", "<Message><MessageBody>hi</MessageBody><MessageTag>a</MessageTag><Properties>KEYS:k|x:y|</Properties></Message>")
	f.Add("POST", "", "<Message><MessageBody>x</MessageBody><Properties>__TransCheckT:10|__SHARDINGKEY:s|</Properties></Message>")
	f.Add("GET", "consumer=GID_a&numOfMessages=3&tag=a%7C%7Cb", "")
	f.Add("GET", "consumer=GID_a&numOfMessages=3&trans=order", "")
	f.Add("DELETE", "consumer=GID_a", "<ReceiptHandles><ReceiptHandle>abc</ReceiptHandle></ReceiptHandles>")
	f.Add("DELETE", "consumer=GID_a&trans=commit", "<ReceiptHandles><ReceiptHandle>abc</ReceiptHandle></ReceiptHandles>")
	f.Fuzz(func(t *testing.T, method, query, body string) {
		switch method {
		case "POST", "GET", "DELETE", "PUT":
		default:
			return
		}
		uri := "/topics/fuzz/messages"
		if query != "" {
			uri += "?" + query
		}
		if u, err := url.ParseRequestURI(uri); err != nil || strings.ContainsAny(query, " #") || u.RawQuery != query {
			return // not a request line a client could send
		}
		req := httptest.NewRequest(method, "http://local"+uri, strings.NewReader(body))
		sum := md5.Sum([]byte(body))
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:]))))
		req.Header.Set("Content-Type", "text/xml;charset=utf-8")
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("x-mq-version", "2015-06-06")
		sts := method + "\n" + req.Header.Get("Content-MD5") + "\ntext/xml;charset=utf-8\n" + req.Header.Get("Date") + "\nx-mq-version:2015-06-06\n" + req.RequestURI
		cred := srv.Credentials()
		req.Header.Set("Authorization", "MQ "+cred.AccessKeyID+":"+hmacSHA1(cred.AccessKeySecret, sts))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code < 300 {
			return
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", method, uri, rec.Code, rec.Body.String())
		}
		var doc struct{ XMLName xml.Name }
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || (doc.XMLName.Local != "Error" && doc.XMLName.Local != "Errors") {
			t.Fatalf("%s %s: status %d with body %q", method, uri, rec.Code, rec.Body.String())
		}
	})
}
