package rocketmq

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
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

// maxSkew is how far the Date header may be from the server's clock.
const maxSkew = 15 * time.Minute

// authenticate checks a request's headers as the service does: the Date,
// the access key, the STS token and the signature, which covers the
// Content-MD5, so that the body is read only for a signed request;
// checkDigest then checks the body against the Content-MD5.
func (s *Server) authenticate(r *http.Request) *Error {
	date := r.Header.Get("Date")
	if date == "" {
		return errorf(CodeMissingDateHeader, "The Date header is missing.")
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return errorf(CodeInvalidDateHeader, "The Date header is not an HTTP date: "+date)
	}
	if d := time.Since(t); d > maxSkew || d < -maxSkew {
		return errorf(CodeTimeExpired, "The Date header is more than 15 minutes from the server time: "+date)
	}
	id, sig, ok := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "MQ "), ":")
	if !ok || !strings.HasPrefix(r.Header.Get("Authorization"), "MQ ") {
		return errorf(CodeAccessDenied, "The Authorization header is missing or not \"MQ <AccessKeyId>:<Signature>\".")
	}
	cred, known := s.keys.Get(id)
	if !known {
		return errorf(CodeInvalidAccessKeyID, "The AccessKeyId is disabled or does not exist: "+id)
	}
	if cred.SecurityToken != "" {
		if r.Header.Get("security-token") != cred.SecurityToken {
			return errorf(CodeAccessDenied, "The security token is invalid.")
		}
		if !cred.Expiration.IsZero() && s.now().After(cred.Expiration) {
			return errorf(CodeAccessDenied, "The security token has expired.")
		}
	}
	if !hmac.Equal([]byte(sign(cred.AccessKeySecret, stringToSign(r))), []byte(sig)) {
		return errorf(CodeSignatureDoesNotMatch, "The request signature does not match.")
	}
	return nil
}

// checkDigest checks the body against the Content-MD5 (base64 of the hex
// MD5), which a request with a body must carry.
func checkDigest(r *http.Request, body []byte) *Error {
	if md := r.Header.Get("Content-MD5"); md != "" || len(body) > 0 {
		sum := md5.Sum(body)
		if md != base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:]))) {
			return errorf(CodeInvalidDigest, "The Content-MD5 does not match the body.")
		}
	}
	return nil
}

// stringToSign is METHOD, Content-MD5, Content-Type and Date, the x-mq-*
// headers sorted, and the request URI as sent.
func stringToSign(r *http.Request) string {
	var mq []string
	for name, vals := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-mq-") && len(vals) > 0 {
			mq = append(mq, n+":"+strings.TrimSpace(vals[0]))
		}
	}
	sort.Strings(mq)
	return r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(mq, "\n") + "\n" + r.RequestURI
}

func sign(secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func randomID(n int) string { return keys.RandomHex(n) }
