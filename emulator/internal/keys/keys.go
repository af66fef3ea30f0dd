// Package keys holds the access keys an emulator accepts: long-lived keys
// and the STS credentials it issues, as the local services give functions
// temporary credentials the way FC passes a role's.
package keys

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// Credentials are an access key a server accepts. A non-empty
// SecurityToken makes them STS credentials: requests must carry the token,
// and they stop working at Expiration.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	Expiration      time.Time // zero: never expires
}

// Ring is a set of credentials by access key ID; the zero value is empty
// and ready. It is safe for concurrent use.
type Ring struct {
	mu   sync.RWMutex
	keys map[string]Credentials
}

// Add accepts c from now on.
func (r *Ring) Add(c Credentials) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = make(map[string]Credentials)
	}
	r.keys[c.AccessKeyID] = c
}

// Get returns the credentials of an access key ID.
func (r *Ring) Get(id string) (Credentials, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.keys[id]
	return c, ok
}

// IssueSTS mints and accepts temporary credentials with a security token,
// valid until expiration, as STS AssumeRole does.
func (r *Ring) IssueSTS(expiration time.Time) Credentials {
	c := Credentials{AccessKeyID: "STS." + RandomHex(12), AccessKeySecret: RandomHex(16),
		SecurityToken: RandomHex(32), Expiration: expiration}
	r.Add(c)
	return c
}

// RandomHex returns n random bytes in upper-case hex, for IDs.
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
