package main

import (
	"io"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

// rocketfn dev takes the account ID from --account-id or
// ROCKETFN_ACCOUNT_ID, resolves s.yaml's ${config('AccountID')} with it
// and gives it to the stack (the events' aliyunaccountid, FC_ACCOUNT_ID).
func TestDevAccountID(t *testing.T) {
	env := map[string]string{"ROCKETFN_ACCOUNT_ID": "1111"}
	getenv := func(k string) string { return env[k] }
	f, err := parseDevFlagsEnv(nil, io.Discard, getenv)
	if err != nil || f.accountID != "1111" {
		t.Fatalf("from the environment: %q, %v", f.accountID, err)
	}
	f, err = parseDevFlagsEnv([]string{"--account-id", "2222"}, io.Discard, getenv)
	if err != nil || f.accountID != "2222" {
		t.Fatalf("--account-id over the environment: %q, %v", f.accountID, err)
	}
	if _, err := parseDevFlagsEnv([]string{"--account-id", "my-account"}, io.Discard, getenv); err == nil || !strings.Contains(err.Error(), "--account-id") {
		t.Errorf("--account-id my-account: %v, want an error naming the flag", err)
	}
	proj, err := syaml.Load(repoRoot+"/s.yaml", accountConfig(f.accountID))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range proj.Warnings {
		t.Errorf("warning with an account ID: %v", w)
	}
	if role := proj.Functions[0].Role; !strings.Contains(role, ":2222:") {
		t.Errorf("role %q, want the account ID in it", role)
	}
	if cfg := devConfig(f, proj, nil); cfg.AccountID != "2222" {
		t.Errorf("stack account ID %q, want 2222", cfg.AccountID)
	}
}
