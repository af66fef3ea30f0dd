package main

import (
	"flag"
	"log/slog"
	"regexp"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

// envAccountID gives the account ID that ${config('AccountID')} in s.yaml
// stands for when --account-id is not set. Serverless Devs reads it from
// its access configuration (s config add), which is not available here.
const envAccountID = "ROCKETFN_ACCOUNT_ID"

// accountIDPattern is what an Alibaba Cloud account ID looks like: digits.
var accountIDPattern = regexp.MustCompile(`^[0-9]{1,32}$`)

// accountFlag registers --account-id, defaulting to ROCKETFN_ACCOUNT_ID.
func accountFlag(fs *flag.FlagSet, v *string, getenv func(string) string) {
	fs.StringVar(v, "account-id", getenv(envAccountID),
		"the Alibaba Cloud account `ID` that ${config('AccountID')} in s.yaml stands for (default $"+envAccountID+")")
}

// checkAccountID refuses an account ID that is not one.
func checkAccountID(id string) error {
	if id != "" && !accountIDPattern.MatchString(id) {
		return usagef("--account-id %q (or %s): want the account's digits, such as 1234567890123456", id, envAccountID)
	}
	return nil
}

// accountConfig resolves ${config('AccountID')} to id, when one is given.
func accountConfig(id string) syaml.Option {
	return syaml.WithConfig(func(key string) (string, bool) {
		if key == "AccountID" && id != "" {
			return id, true
		}
		return "", false
	})
}

// logYAMLWarnings logs the warnings of s.yaml, one record each; a
// reference found in several places is one record with the other lines,
// and an unresolved account ID says how to give it.
func logYAMLWarnings(log *slog.Logger, ws []syaml.Warning) {
	for _, w := range ws {
		attrs := []any{"line", w.Line, "key", w.Key, "warning", w.Message}
		if len(w.Also) > 0 {
			attrs = append(attrs, "also", w.AlsoText())
		}
		if isAccountRef(w.Ref) {
			attrs = append(attrs, "hint", "set --account-id or "+envAccountID)
		}
		log.Warn("s.yaml", attrs...)
	}
}

// isAccountRef reports whether ref is a ${config(...)} of AccountID.
func isAccountRef(ref string) bool {
	return accountRef.MatchString(ref)
}

var accountRef = regexp.MustCompile(`^config(\(\s*['"]?AccountID['"]?\s*\)|\.AccountID)$`)
