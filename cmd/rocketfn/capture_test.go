package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCaptureFromDir turns a capture directory into fixtures twice: the
// names and contents are the same both times, the sidecars are left out,
// and the chosen and credential-like values are redacted.
func TestCaptureFromDir(t *testing.T) {
	args := []string{"--from", "testdata/captured", "--redact", "data.body.password,aliyunaccountid"}
	var first []string
	for range 2 {
		out := t.TempDir()
		var stdout, stderr bytes.Buffer
		if err := capture(append(args, "--out", out), &stdout, &stderr); err != nil {
			t.Fatalf("capture: %v (%s)", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "2 fixtures in "+out+", 5 values redacted") {
			t.Errorf("output:\n%s", stdout.String())
		}
		files, metas := splitMeta(fixtureFiles(t, out))
		if len(metas) != 2 {
			t.Errorf("metadata files %q, want one per fixture (the capture has sidecars)", metas)
		}
		if first == nil {
			first = files
		} else if !slices.Equal(files, first) {
			t.Errorf("second run wrote %q, first %q", files, first)
		}
	}
	name := regexp.MustCompile(`^000[12]-jobs-rocketmq-[0-9a-f]{12}\.json:`)
	for _, f := range first {
		if !name.MatchString(f) {
			t.Errorf("fixture %.80s: name not NNNN-<trigger>-<hash>.json", f)
		}
		if strings.Contains(f, "hunter2") || strings.Contains(f, "tk-123") || strings.Contains(f, `"aliyunaccountid":"1`) {
			t.Errorf("fixture not redacted: %s", f)
		}
	}
	var batch []map[string]any
	if err := json.Unmarshal([]byte(first[0][strings.Index(first[0], ":")+1:]), &batch); err != nil || len(batch) != 2 {
		t.Fatalf("first fixture: %v", err)
	}
	data := batch[0]["data"].(map[string]any)
	if data["body"] != `{"user":"ann","password":"REDACTED"}` || data["userProperties"].(map[string]any)["region"] != "hz" {
		t.Errorf("first event's data = %v", data)
	}
	if !strings.Contains(first[1], `\"cvv\":\"123\"`) {
		t.Errorf("a value no path names was redacted: %s", first[1])
	}
}

// splitMeta separates the fixtures from their .meta.json files.
func splitMeta(files []string) (fixtures, metas []string) {
	for _, f := range files {
		name, _, _ := strings.Cut(f, ":")
		if strings.HasSuffix(name, ".meta.json") {
			metas = append(metas, f)
		} else {
			fixtures = append(fixtures, f)
		}
	}
	return fixtures, metas
}

// A payload EventBridge delivered again (a retry: the same events) is one
// fixture, whose metadata lists both deliveries and why the first failed.
func TestCaptureMergesRetries(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := capture([]string{"--from", "testdata/captured-retries", "--out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("capture: %v (%s)", err, stderr.String())
	}
	fixtures, metas := splitMeta(fixtureFiles(t, out))
	if len(fixtures) != 2 || len(metas) != 2 {
		t.Fatalf("wrote %d fixtures and %d metadata files, want 2 and 2:\n%s", len(fixtures), len(metas), stdout.String())
	}
	if !strings.Contains(stdout.String(), "2 deliveries (1 failed)") || !strings.Contains(stdout.String(), "2 fixtures in ") {
		t.Errorf("output:\n%s", stdout.String())
	}
	name, content, _ := strings.Cut(metas[0], ":")
	if !strings.HasPrefix(name, "0001-jobs-rocketmq-") {
		t.Errorf("first metadata file %s, want the first event's", name)
	}
	var m struct {
		EventIDs   []string `json:"eventIds"`
		Deliveries []struct {
			RequestID string `json:"requestId"`
			Attempt   int    `json:"attempt"`
			Failed    bool   `json:"failed"`
			Error     string `json:"error"`
		} `json:"deliveries"`
	}
	if err := json.Unmarshal([]byte(content), &m); err != nil {
		t.Fatal(err)
	}
	d := m.Deliveries
	if len(m.EventIDs) != 2 || len(d) != 2 || d[0].RequestID != "aaaa0001" || !d[0].Failed || !strings.Contains(d[0].Error, "store down") ||
		d[1].RequestID != "aaaa0002" || d[1].Attempt != 2 || d[1].Failed {
		t.Errorf("first fixture's metadata: %s", content)
	}
}

// fixtureFiles lists dir as "name:content" strings.
func fixtureFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Name()+":"+string(b))
	}
	return out
}

func TestCaptureFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--out", "x"},
		{"--logs", "testdata/function.log", "--out", "x"}, // the flag is gone
		{"--from", "testdata/captured"},
		{"--from", "testdata/captured", "--out", "testdata/captured/fixtures"},
		{"--from", "testdata/captured", "--out", "x", "extra"},
		{"--from", "testdata/captured", "--out", "x", "--redact-pattern", "[a-"},
		{"--bogus"},
	} {
		var stdout, stderr bytes.Buffer
		err := capture(args, &stdout, &stderr)
		if code := exitStatus("capture", err, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (err %v)", args, code, err)
		}
		if stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%q: stdout %q, stderr %q", args, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	err := capture([]string{"--from", t.TempDir(), "--out", t.TempDir()}, &stdout, &stderr)
	if code := exitStatus("capture", err, &stderr); code != 1 || !strings.Contains(stderr.String(), "no payloads found") {
		t.Errorf("empty directory: exit %d, %s", code, stderr.String())
	}
}

func TestCaptureHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := exitStatus("capture", capture([]string{"-h"}, &stdout, &stderr), &stderr); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	for _, want := range []string{"example: --from", "example: --out", "example: --redact", "example: --redact-pattern", "example: --redact-credentials", "Examples:"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
