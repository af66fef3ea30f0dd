package ots

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
)

// Credentials are an access key the server accepts. A non-empty
// SecurityToken makes them STS credentials: requests must carry the token,
// and they stop working at Expiration.
type Credentials = keys.Credentials

// signedHeaders are the x-ots-* headers the string to sign covers, sorted.
var signedHeaders = []string{
	"x-ots-accesskeyid", "x-ots-apiversion", "x-ots-charge-for-admin",
	"x-ots-contentmd5", "x-ots-date", "x-ots-instancename",
	"x-ots-request-compress-size", "x-ots-request-compress-type",
	"x-ots-response-compress-type", "x-ots-ststoken",
}

// maxSkew is how far x-ots-date may be from the server's clock.
const maxSkew = 15 * time.Minute

// authenticate checks a request's headers as the service does: required
// headers, date skew, access key, STS token and signature, which covers
// x-ots-contentmd5, so that the body is read only for a signed request;
// checkContentMD5 then checks the body against x-ots-contentmd5. It
// returns the credentials the request was signed with.
func (s *Server) authenticate(r *http.Request, action string) (Credentials, *Error) {
	for _, h := range []string{"x-ots-date", "x-ots-apiversion", "x-ots-accesskeyid", "x-ots-instancename", "x-ots-contentmd5", "x-ots-signature"} {
		if r.Header.Get(h) == "" {
			return Credentials{}, invalid("Missing header: %s.", h)
		}
	}
	date, err := parseOTSDate(r.Header.Get("x-ots-date"))
	if err != nil {
		return Credentials{}, invalid("Invalid date format: %q.", r.Header.Get("x-ots-date"))
	}
	if d := time.Since(date); d > maxSkew || d < -maxSkew {
		return Credentials{}, errorf(CodeAuthFailed, "Mismatch between system time and x-ots-date: %s.", r.Header.Get("x-ots-date"))
	}
	if got := r.Header.Get("x-ots-instancename"); got != s.cfg.Instance {
		return Credentials{}, errorf(CodeAuthFailed, "The instance %q does not exist; this server serves %q.", got, s.cfg.Instance)
	}
	cred, ok := s.keys.Get(r.Header.Get("x-ots-accesskeyid"))
	if !ok {
		return Credentials{}, errorf(CodeAuthFailed, "The AccessKeyID is disabled or does not exist.")
	}
	if cred.SecurityToken != "" {
		if r.Header.Get("x-ots-ststoken") != cred.SecurityToken {
			return Credentials{}, errorf(CodeAuthFailed, "The security token you provided is invalid.")
		}
		if !cred.Expiration.IsZero() && s.now().After(cred.Expiration) {
			return Credentials{}, errorf(CodeAuthFailed, "The security token you provided has expired.")
		}
	}
	want := sign(cred.AccessKeySecret, stringToSign(action, r.Header))
	if !hmac.Equal([]byte(want), []byte(r.Header.Get("x-ots-signature"))) {
		return Credentials{}, errorf(CodeAuthFailed, "Signature mismatch.")
	}
	return cred, nil
}

// checkContentMD5 checks the body against x-ots-contentmd5 (base64 of the
// MD5), answering a mismatch as the service does.
func checkContentMD5(r *http.Request, body []byte) *Error {
	sum := md5.Sum(body)
	if r.Header.Get("x-ots-contentmd5") != base64.StdEncoding.EncodeToString(sum[:]) {
		return errorf(CodeAuthFailed, "Mismatch between MD5 value of request body and x-ots-contentmd5 in header.")
	}
	return nil
}

// parseOTSDate reads the first 19 characters of x-ots-date as UTC: the Go
// SDK's fractional part is not a valid fraction.
func parseOTSDate(s string) (time.Time, error) {
	if len(s) < 19 {
		return time.Time{}, &time.ParseError{Value: s, Message: ": too short"}
	}
	return time.Parse("2006-01-02T15:04:05", s[:19])
}

// stringToSign is "/Action\nPOST\n\n" then each signed x-ots-* header
// present, as "name:value\n".
func stringToSign(action string, h http.Header) string {
	var b strings.Builder
	b.WriteString("/" + action + "\nPOST\n\n")
	for _, name := range signedHeaders {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			b.WriteString(name + ":" + v + "\n")
		}
	}
	return b.String()
}

func sign(secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// setResponseHeaders adds the headers the service sends with every answer,
// signed for the caller's key as other SDKs verify them.
func setResponseHeaders(h http.Header, action, requestID string, body []byte, cred Credentials, now time.Time) {
	sum := md5.Sum(body)
	h.Set("x-ots-requestid", requestID)
	h.Set("x-ots-contentmd5", base64.StdEncoding.EncodeToString(sum[:]))
	h.Set("x-ots-contenttype", "protocol buffer")
	h.Set("x-ots-date", now.UTC().Format("2006-01-02T15:04:05.000Z"))
	h.Set("Content-Type", "application/x-protobuf")
	if cred.AccessKeyID == "" {
		return
	}
	var names []string
	for name := range h {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-ots-") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n + ":" + strings.TrimSpace(h.Get(n)) + "\n")
	}
	b.WriteString("/" + action)
	h.Set("Authorization", "OTS "+cred.AccessKeyID+":"+sign(cred.AccessKeySecret, b.String()))
}

// randomID returns n random bytes in hex.
func randomID(n int) string { return keys.RandomHex(n) }
