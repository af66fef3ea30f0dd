package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/store"
)

// A deployment missing a variable fails at Open with an error naming it,
// instead of writing to a local Tablestore that is not there.
func TestOpenRefusesIncompleteConfig(t *testing.T) {
	env := map[string]string{
		"TABLESTORE_ENDPOINT":             "https://inst.cn-hangzhou.ots.aliyuncs.com",
		"TABLESTORE_INSTANCE":             "inst",
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     "id",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
		"ALIBABA_CLOUD_SECURITY_TOKEN":    "token",
	}
	for _, tc := range []struct {
		name  string
		unset []string
		set   map[string]string
		want  string // in the error; "" for no error
	}{
		{name: "complete"},
		{name: "no credentials (an invocation's are used)", unset: []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"}},
		{name: "no endpoint", unset: []string{"TABLESTORE_ENDPOINT"}, want: "TABLESTORE_ENDPOINT"},
		{name: "no instance", unset: []string{"TABLESTORE_INSTANCE"}, want: "TABLESTORE_INSTANCE"},
		{name: "no secret", unset: []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, want: "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{name: "no key ID", unset: []string{"ALIBABA_CLOUD_ACCESS_KEY_ID"}, want: "ALIBABA_CLOUD_ACCESS_KEY_ID"},
		{name: "only a token", unset: []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, want: "ALIBABA_CLOUD_ACCESS_KEY_ID"},
		{name: "endpoint without scheme", set: map[string]string{"TABLESTORE_ENDPOINT": "inst.cn-hangzhou.ots.aliyuncs.com"}, want: "not an http or https URL"},
		{name: "local mode not true", unset: []string{"TABLESTORE_ENDPOINT"}, set: map[string]string{"ROCKETFN_LOCAL": "yes"}, want: "TABLESTORE_ENDPOINT"},
		{name: "local mode, nothing else", unset: []string{"TABLESTORE_ENDPOINT", "TABLESTORE_INSTANCE", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"}, set: map[string]string{"ROCKETFN_LOCAL": "true"}},
		{name: "local mode keeps half-set credentials an error", unset: []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, set: map[string]string{"ROCKETFN_LOCAL": "1"}, want: "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range env {
				vars[k] = v
			}
			for _, k := range tc.unset {
				delete(vars, k)
			}
			for k, v := range tc.set {
				vars[k] = v
			}
			db, err := store.Open(store.ConfigFromEnv(func(k string) string { return vars[k] }))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Open: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("Open = %v, want an error naming %s", db, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("Open: %v, want it to name %s", err, tc.want)
			}
		})
	}
}

// Local mode fills only what is empty: the local stack's endpoint is kept.
func TestOpenLocalDefaults(t *testing.T) {
	db, err := store.Open(store.Config{Local: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := db.String(), "store.DB{Endpoint: "+store.LocalEndpoint+", Instance: "+store.LocalInstance+"}"; got != want {
		t.Errorf("local defaults: %s, want %s", got, want)
	}
	db, err = store.Open(store.Config{Local: true, Endpoint: "http://127.0.0.1:9", Instance: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := db.String(), "store.DB{Endpoint: http://127.0.0.1:9, Instance: other}"; got != want {
		t.Errorf("explicit values in local mode: %s, want %s", got, want)
	}
}

// A DB without credentials signs with the invocation's; outside an
// invocation its requests fail before anything is sent.
func TestNoCredentialsOutsideInvocation(t *testing.T) {
	db, err := store.Open(store.Config{Endpoint: "http://127.0.0.1:9", Instance: "inst"})
	if err != nil {
		t.Fatal(err)
	}
	type Row struct {
		ID string `tablestore:"id,pk"`
	}
	rows, err := store.NewTable[Row](db, "rows")
	if err != nil {
		t.Fatal(err)
	}
	if err := rows.Put(context.Background(), Row{ID: "1"}); !errors.Is(err, store.ErrNoCredentials) {
		t.Fatalf("Put outside an invocation = %v, want ErrNoCredentials", err)
	}
}
