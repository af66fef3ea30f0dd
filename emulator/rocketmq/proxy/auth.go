package proxy

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc/metadata"
)

// The request metadata of the 5.x clients.
const (
	mdAuthorization = "authorization"
	mdDateTime      = "x-mq-date-time"
	mdSessionToken  = "x-mq-session-token"
	mdClientID      = "x-mq-client-id"
)

// admit checks a call as 5.x servers do before serving it: its
// signature, then its client ID. A call with no access key (the Go
// client signs with an empty one when it has no credentials) is unsigned:
// accepted unless the server requires ACL. A signed call is verified
// against the server's keys: the HMAC-SHA1 of its x-mq-date-time with the
// key's secret (no clock skew is checked, as servers check none); an STS
// key also needs its session token (x-mq-session-token, which the Java
// client sends and the Go client v5.1.2 does not). Refusals are
// UNAUTHORIZED.
func (s *Server) admit(ctx context.Context) *codedError {
	ak, sig, err := parseAuthorization(header(ctx, mdAuthorization))
	if err != nil {
		return err
	}
	if ak != "" || s.cfg.ACL {
		if err := s.verify(ctx, ak, sig); err != nil {
			return err
		}
	}
	if blank(header(ctx, mdClientID)) {
		return coded(v2.Code_CLIENT_ID_REQUIRED, "client id cannot be empty")
	}
	return nil
}

// verify checks the signature sig of access key ak.
func (s *Server) verify(ctx context.Context, ak, sig string) *codedError {
	if ak == "" {
		return coded(v2.Code_UNAUTHORIZED, "username cannot be null. (the server requires signed requests: set the client's credentials)")
	}
	date := header(ctx, mdDateTime)
	if date == "" {
		return coded(v2.Code_UNAUTHORIZED, "datetime is null.")
	}
	cred, found := s.cfg.Keys.Get(ak)
	if !found {
		return coded(v2.Code_UNAUTHORIZED, "User:%s is not found.", ak)
	}
	if cred.SecurityToken != "" {
		tok := header(ctx, mdSessionToken)
		if tok == "" {
			return coded(v2.Code_UNAUTHORIZED, "User:%s has STS credentials: the call needs their session token (%s).", ak, mdSessionToken)
		}
		if subtle.ConstantTimeCompare([]byte(tok), []byte(cred.SecurityToken)) != 1 {
			return coded(v2.Code_UNAUTHORIZED, "the session token of User:%s does not match.", ak)
		}
		if !cred.Expiration.IsZero() && s.now().After(cred.Expiration) {
			return coded(v2.Code_UNAUTHORIZED, "the STS credentials of User:%s have expired.", ak)
		}
	}
	mac := hmac.New(sha1.New, []byte(cred.AccessKeySecret))
	mac.Write([]byte(date))
	want := hex.EncodeToString(mac.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), []byte(want)) != 1 {
		return coded(v2.Code_UNAUTHORIZED, "check signature failed.")
	}
	return nil
}

// parseAuthorization reads the access key and signature of an
// authorization value ("MQv2-HMAC-SHA1 Credential=AK/.../Rocketmq,
// SignedHeaders=x-mq-date-time, Signature=HEX"); an empty value has
// neither.
func parseAuthorization(v string) (ak, sig string, err *codedError) {
	if v == "" {
		return "", "", nil
	}
	_, rest, ok := strings.Cut(v, " ")
	if !ok || rest == "" {
		return "", "", coded(v2.Code_UNAUTHORIZED, "authentication header is incorrect.")
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", "", coded(v2.Code_UNAUTHORIZED, "authentication keyValues length is incorrect, actual length=1.")
		}
		switch k {
		case "Credential":
			ak, _, _ = strings.Cut(val, "/")
		case "Signature":
			sig = val
		}
	}
	if ak != "" {
		if _, herr := hex.DecodeString(sig); herr != nil || sig == "" {
			return "", "", coded(v2.Code_UNAUTHORIZED, "create authentication context error.")
		}
	}
	return ak, sig, nil
}

// header is the first value of a request metadata key, or "".
func header(ctx context.Context, key string) string {
	if vs := metadata.ValueFromIncomingContext(ctx, key); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// clientID is the calling client's ID (x-mq-client-id).
func clientID(ctx context.Context) string { return header(ctx, mdClientID) }
