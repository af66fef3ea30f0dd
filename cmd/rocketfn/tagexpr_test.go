package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tagCases are the tag expressions the CLI tests feed to "rocketfn new
// --tag" and to an s.yaml trigger's Tag for "rocketfn verify": canonical
// is the form new writes; reason, for one refused, what the error says.
var tagCases = []struct {
	expr, canonical, sample, reason string
}{
	{"*", "*", "sample", ""},
	{"", "*", "sample", ""},
	{" * ", "*", "sample", ""},
	{" A || B ", "A||B", "A", ""},
	{"created||paid||created", "created||paid", "created", ""},
	{"||", "", "", `names no tag (write "*" for every tag)`},
	{"A||", "", "", "tag 2 of 2 is empty"},
	{"||A", "", "", "tag 1 of 2 is empty"},
	{"A||||B", "", "", "tag 2 of 3 is empty"},
	{"A||*", "", "", `"*" matches every tag on its own only`},
	{"A|B", "", "", `tag "A|B" holds '|'`},
	{strings.Repeat("x", 129), "", "", "is 129 bytes, over the limit of 128"},
}

func TestNewTagFlag(t *testing.T) {
	for _, tt := range tagCases {
		f, err := parseNewFlags([]string{"greet", "--topic", "greetings", "--tag", tt.expr}, io.Discard)
		if tt.reason == "" {
			if err != nil {
				t.Errorf("--tag %q: %v", tt.expr, err)
			} else if f.tag != tt.canonical || sampleTag(f.tag) != tt.sample {
				t.Errorf("--tag %q: tag %q, sample tag %q; want %q, %q", tt.expr, f.tag, sampleTag(f.tag), tt.canonical, tt.sample)
			}
			continue
		}
		prefix := "--tag: tag expression " + strconv.Quote(tt.expr) + ": "
		if err == nil || !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("--tag %q: %v, want %s...%s", tt.expr, err, prefix, tt.reason)
		}
		if code := exitStatus("new", err, io.Discard); err != nil && code != 2 {
			t.Errorf("--tag %q: exit status %d, want 2 (usage)", tt.expr, code)
		}
	}
	// What the generated files cannot hold, though tagexpr takes it.
	for _, expr := range []string{`a"b`, "it's", `a\b`, "a\tb||c"} {
		if _, err := parseNewFlags([]string{"greet", "--topic", "greetings", "--tag", expr}, io.Discard); err == nil ||
			!strings.Contains(err.Error(), "tag expression "+strconv.Quote(expr)+": a tag holds") {
			t.Errorf("--tag %q: %v, want it refused", expr, err)
		}
	}
}

// tagSYAML is an s.yaml whose one trigger has Tag: tag, on line tagLine.
const tagLine = 22

func tagSYAML(tag string) string {
	return `edition: 3.0.0
name: tags
resources:
  f:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: f
      runtime: custom.debian12
      code: ./f
      timeout: 30
      customRuntimeConfig: {command: [/code/bootstrap], port: 9000}
      triggers:
        - triggerName: f-rocketmq
          triggerType: eventbridge
          triggerConfig:
            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters:
                  Topic: orders
                  Tag: '` + strings.ReplaceAll(tag, "'", "''") + `'
                  GroupID: GID_f
                  InstanceId: MQ_INST_test
`
}

func TestVerifyTagExpressions(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	for _, tt := range tagCases {
		if err := os.WriteFile(file, []byte(tagSYAML(tt.expr)), 0o644); err != nil {
			t.Fatal(err)
		}
		findings, err := verifyProject(file, 1024, "")
		if err != nil {
			t.Fatalf("Tag %q: %v", tt.expr, err)
		}
		var tagFindings []finding
		for _, fd := range findings {
			if strings.Contains(fd.Message, "tag expression") {
				tagFindings = append(tagFindings, fd)
			}
		}
		if tt.reason == "" {
			if len(tagFindings) != 0 {
				t.Errorf("Tag %q: %+v", tt.expr, tagFindings)
			}
			continue
		}
		prefix := "tag expression " + strconv.Quote(tt.expr) + ": "
		if len(tagFindings) != 1 {
			t.Errorf("Tag %q: findings %+v, want one error at line %d", tt.expr, findings, tagLine)
			continue
		}
		fd := tagFindings[0]
		if fd.Line != tagLine || fd.Severity != "error" || !strings.HasSuffix(fd.Key, ".sourceRocketMQParameters.Tag") ||
			!strings.HasPrefix(fd.Message, prefix) || !strings.Contains(fd.Message, tt.reason) {
			t.Errorf("Tag %q: %+v, want an error at line %d: %s...%s", tt.expr, fd, tagLine, prefix, tt.reason)
		}
	}
}
