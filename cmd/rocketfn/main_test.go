package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// envCLIChild makes the test binary run as the rocketfn command itself, with
// its arguments, so tests can send it real signals.
const envCLIChild = "ROCKETFN_CLI_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envCLIChild) == "1" {
		main()
		return
	}
	code := m.Run()
	cleanupRMQDriver()
	os.Exit(code)
}

func TestDispatchHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"help"}, &stdout, &stderr); code != 0 {
		t.Fatalf("help: exit %d, stderr %q", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "tablestore") {
		t.Errorf("help does not list tablestore:\n%s", stdout.String())
	}
}

func TestDispatchUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"help", "nope"}} {
		var stdout, stderr bytes.Buffer
		if code := dispatch(args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if stdout.Len() != 0 || !strings.Contains(stderr.String(), "Usage:") {
			t.Errorf("%q: stdout %q, stderr %q; want the usage on stderr only", args, stdout.String(), stderr.String())
		}
	}
}

func TestTablestoreFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"extra"},
		{"--memory", "--data", "x"},
		{"--log-level", "error"},
		{"--instance", ""},
	} {
		var stdout, stderr bytes.Buffer
		err := serveTablestore(t.Context(), args, &stdout, &stderr)
		if code := exitStatus("tablestore", err, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (err %v)", args, code, err)
		}
		if stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%q: stdout %q, stderr %q; want a message on stderr only", args, stdout.String(), stderr.String())
		}
	}
}

func TestTablestoreHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := serveTablestore(t.Context(), []string{"-h"}, &stdout, &stderr)
	if code := exitStatus("tablestore", err, &stderr); code != 0 {
		t.Fatalf("-h: exit %d (err %v)", code, err)
	}
	for _, name := range []string{"--listen", "--data", "--instance", "--access-key-id", "--access-key-secret", "--memory", "--no-sync", "--log-level"} {
		if !strings.Contains(stderr.String(), "example: "+name) {
			t.Errorf("help has no example for %s", name)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8020": "http://127.0.0.1:8020",
		"a b":                   "'a b'",
		"it's":                  `'it'\''s'`,
		"":                      "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"http://0.0.0.0:8020":   "http://127.0.0.1:8020",
		"http://[::]:8020":      "http://127.0.0.1:8020",
		"http://127.0.0.1:8020": "http://127.0.0.1:8020",
	} {
		if got := clientEndpoint(in); got != want {
			t.Errorf("clientEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}
