package main

import (
	"encoding/json"
	"strings"
)

// redactedValue replaces every redacted JSON value.
const redactedValue = `"REDACTED"`

// credentialWords mark member names that hold credentials, compared with
// the name lowercased and stripped of '_', '-' and '.'.
var credentialWords = []string{"password", "passwd", "secret", "token", "apikey", "authorization",
	"privatekey", "credential", "accesskey", "signature"}

// redactor replaces chosen members of JSON documents by "REDACTED",
// leaving every other byte as it was.
//
// A path such as data.body.password names a member by the keys leading to
// it; it matches every member whose key path ends with it (so password
// matches any member named password), keys compared without regard to
// case. Arrays do not count in paths: data.body.password applies to each
// event of a batch. A string holding a JSON object or array (a message
// body) is searched too, its members' paths continuing the string's.
type redactor struct {
	paths [][]string
	// credentials also redacts members whose names look like credentials
	// (see credentialWords).
	credentials bool
}

// newRedactor returns a redactor of the comma-separated paths in list.
func newRedactor(list string, credentials bool) *redactor {
	r := &redactor{credentials: credentials}
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			r.paths = append(r.paths, strings.Split(p, "."))
		}
	}
	return r
}

// redact returns doc, which must be valid JSON, with the chosen members
// replaced, and how many were.
func (r *redactor) redact(doc []byte) ([]byte, int) {
	return r.redactAt(doc, nil)
}

// redactAt is redact for a document found at path.
func (r *redactor) redactAt(doc []byte, path []string) ([]byte, int) {
	return jsonEditor{replace: r.replacement, str: r.nested}.edit(doc, path)
}

// replacement is what replaces the value of the member at path: nil
// unless it is to be redacted.
func (r *redactor) replacement(path []string) []byte {
	if r.matches(path) {
		return []byte(redactedValue)
	}
	return nil
}

// nested redacts the JSON object or array a string value holds.
func (r *redactor) nested(text string, path []string) (string, int) {
	inner := strings.TrimSpace(text)
	if inner == "" || (inner[0] != '{' && inner[0] != '[') || !json.Valid([]byte(inner)) {
		return "", 0
	}
	out, n := r.redactAt([]byte(text), path)
	return string(out), n
}

// matches reports whether the member at path is to be redacted.
func (r *redactor) matches(path []string) bool {
	for _, want := range r.paths {
		if len(want) <= len(path) && equalFold(path[len(path)-len(want):], want) {
			return true
		}
	}
	return r.credentials && isCredentialName(path[len(path)-1])
}

func equalFold(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// isCredentialName reports whether a member name looks like one holding
// a credential.
func isCredentialName(name string) bool {
	n := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(name))
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
