package remoting

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"maps"
	"slices"
	"time"
)

// ACL fields of a signed request.
const (
	fieldAccessKey     = "AccessKey"
	fieldSignature     = "Signature"
	fieldSecurityToken = "SecurityToken"
)

// authenticate verifies a request as an Apache broker with ACL does: the
// Signature is the base64 HMAC-SHA1, keyed by the secret of AccessKey, of
// the values of every other extField (AccessKey and SecurityToken
// included) sorted by key, then the body. Java clients sign the
// SecurityToken's value too and rocketmq-client-go does not; both forms
// are accepted. STS credentials need their
// SecurityToken and expire. An unsigned request is accepted unless the
// server requires ACL. It returns nil or the refusal.
func (s *Server) authenticate(req *Command) *Command {
	sig, signed := req.ExtFields[fieldSignature]
	if !signed {
		if s.cfg.ACL {
			return response(codeNoPermission, "the broker requires signed requests (ACL): no AccessKey and Signature in the request")
		}
		return nil
	}
	ak := req.ExtFields[fieldAccessKey]
	cred, found := s.cfg.Keys.Get(ak)
	if !found {
		return response(codeNoPermission, "No acl config for access key "+ak)
	}
	if cred.SecurityToken != "" {
		if subtle.ConstantTimeCompare([]byte(req.ExtFields[fieldSecurityToken]), []byte(cred.SecurityToken)) != 1 {
			return response(codeNoPermission, "the SecurityToken of access key "+ak+" does not match")
		}
		if !cred.Expiration.IsZero() && time.Now().After(cred.Expiration) {
			return response(codeNoPermission, "the STS credentials of access key "+ak+" have expired")
		}
	}
	if !signatureMatches(req, sig, cred.AccessKeySecret, true) && !signatureMatches(req, sig, cred.AccessKeySecret, false) {
		return response(codeNoPermission, "Check signature failed for accessKey="+ak)
	}
	return nil
}

// signatureMatches checks sig over req's fields, with or without the
// SecurityToken's value.
func signatureMatches(req *Command, sig, secret string, withToken bool) bool {
	mac := hmac.New(sha1.New, []byte(secret))
	for _, k := range slices.Sorted(maps.Keys(req.ExtFields)) {
		if k != fieldSignature && (withToken || k != fieldSecurityToken) {
			mac.Write([]byte(req.ExtFields[k]))
		}
	}
	mac.Write(req.Body)
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return subtle.ConstantTimeCompare([]byte(sig), []byte(want)) == 1
}
