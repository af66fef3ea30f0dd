package keys

import (
	"testing"
	"time"
)

func TestRing(t *testing.T) {
	var r Ring
	if _, ok := r.Get("a"); ok {
		t.Fatal("an empty ring knows a key")
	}
	r.Add(Credentials{AccessKeyID: "a", AccessKeySecret: "s"})
	if c, ok := r.Get("a"); !ok || c.AccessKeySecret != "s" {
		t.Fatalf("Get = %+v, %v", c, ok)
	}
	exp := time.Now().Add(time.Hour)
	sts := r.IssueSTS(exp)
	if c, ok := r.Get(sts.AccessKeyID); !ok || c.SecurityToken == "" || !c.Expiration.Equal(exp) || sts.AccessKeyID[:4] != "STS." {
		t.Fatalf("issued %+v, stored %+v", sts, c)
	}
	if a, b := RandomHex(8), RandomHex(8); len(a) != 16 || a == b {
		t.Fatalf("RandomHex gave %q and %q", a, b)
	}
}
