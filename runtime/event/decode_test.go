package event_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// view is the golden rendering of a decoded message: its fields and what
// the accessors derive from them.
type view struct {
	Index            int
	ID               string
	Topic            string
	Tag              string
	Keys             []string
	ShardingKey      string `json:",omitempty"`
	Body             string
	BodyKind         string
	UserProperties   event.Properties
	SystemProperties event.Properties
	Extra            event.Properties `json:",omitempty"`
	Event            event.CloudEvent
	Region           string
	InstanceID       string
	PublishTime      string `json:",omitempty"`
	ConsumeStartTime string `json:",omitempty"`
}

func render(t *testing.T, p event.Payload) []byte {
	t.Helper()
	out := struct {
		Batch    bool
		Messages []view
		Failed   []string `json:",omitempty"`
	}{Batch: p.Batch}
	for i := range p.Messages {
		m := &p.Messages[i]
		v := view{
			Index: m.Index, ID: m.ID, Topic: m.Topic, Tag: m.Tag, Keys: m.Keys,
			ShardingKey: m.ShardingKey, Body: string(m.Body), BodyKind: m.BodyKind.String(),
			UserProperties: m.UserProperties, SystemProperties: m.SystemProperties, Extra: m.Extra,
			Event: m.Event, Region: m.Region(), InstanceID: m.InstanceID(),
		}
		if pt := m.PublishTime(); !pt.IsZero() {
			v.PublishTime = pt.UTC().Format(time.RFC3339Nano)
		}
		if ct := m.ConsumeStartTime(); !ct.IsZero() {
			v.ConsumeStartTime = ct.UTC().Format(time.RFC3339Nano)
		}
		out.Messages = append(out.Messages, v)
	}
	for _, f := range p.Failed {
		out.Failed = append(out.Failed, f.Error())
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// fixtures lists the payload fixtures: those of testdata, copied from the
// documentation, and those of testdata/constructed, made from what the
// documentation shows of a shape (see testdata/README.md). Other packages'
// tests read testdata/*.json.
func fixtures() ([]string, error) {
	docs, err := filepath.Glob("testdata/*.json")
	if err != nil {
		return nil, err
	}
	made, err := filepath.Glob("testdata/constructed/*.json")
	return append(docs, made...), err
}

// TestGolden decodes every captured payload in testdata and compares the
// result with testdata/golden. Run with -update to rewrite the golden files
// after a deliberate change, and review the diff.
func TestGolden(t *testing.T) {
	files, err := fixtures()
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			payload, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := event.Decode(payload)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got := render(t, p)
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded %s differs from %s:\n%s", file, golden, got)
			}
		})
	}
}

// TestDecodeDoesNotModifyInput checks that Decode works on a copy: decoding
// unescapes strings in place, which must never reach the caller's bytes.
func TestDecodeDoesNotModifyInput(t *testing.T) {
	payload, err := os.ReadFile("testdata/players-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	orig := bytes.Clone(payload)
	first, err := event.Decode(payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(payload, orig) {
		t.Fatal("Decode modified its input")
	}
	second, err := event.Decode(payload)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(second.Messages[2].Body), string(first.Messages[2].Body); got != want {
		t.Errorf("second decode body = %q, want %q", got, want)
	}
}
