package event_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// TestNotEvent checks which payloads the decoder reports as holding no
// event (ErrNotEvent), the payloads EventBridge delivers after a target's
// transform, and which are broken events.
func TestNotEvent(t *testing.T) {
	tests := []struct {
		name     string
		payload  string
		notEvent bool
	}{
		// What a rule's Partial event, Constant and Template deliver.
		{"empty (a JSONPath that matches nothing)", "", true},
		{"whitespace", " \n", true},
		{"text (a string value, a constant, a template)", "test", true},
		{"text that starts like JSON", `{name} is broken`, true},
		{"number", "100", true},
		{"true", "true", true},
		{"null", "null", true},
		{"JSON string", `"name test is in RUNNING"`, true},
		{"object without event members", `{"id":"1001","name":"alice","hero":"Yasuo"}`, true},
		{"object with only CloudEvent attributes", `{"id":"7","time":"2021-04-08T06:01:20Z"}`, true},
		{"object with an attribute of the wrong type", `{"id":7}`, true},
		{"string holding an object without event members", `"{\"a\":1}"`, true},
		{"string holding text that is not JSON", `"{not json"`, true},
		{"template output that is malformed JSON", `{"name": test}`, true},
		{"object followed by text", `{"a":1} and more`, true},
		{"deep nesting without an event", `{"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`, true},

		// Events, whole or broken, are not.
		{"wrong member type", `{"specversion":"1.0","data":{"topic":["t"],"body":"b"}}`, false},
		{"RawData member of the wrong type", `{"systemProperties":"x","body":"b"}`, false},
		{"unknown specversion", `{"specversion":"2.0","data":{"body":"b"}}`, false},
		{"truncated CloudEvent", `{"specversion":"1.0","data":{"topic":"t"`, false},
		{"truncated RawData", `{"topic":"t","body":"ab`, false},
		{"bad escape in an event", `{"topic":"t","body":"a\qb"}`, false},
		{"event followed by text", `{"topic":"t","body":"b"} and more`, false},
		{"string holding a broken event", `"{\"topic\":1}"`, false},
		{"string holding a truncated event", `"{\"topic\":\"t\",\"body\""`, false},
		{"batch broken after an event", `[{"topic":"t","body":"b"},{"a":`, false},
		{"over the message limit", `[` + strings.Repeat(`{"topic":"t"},`, 3) + `{"topic":"t"}]`, false},
	}
	d := event.Decoder{MaxMessages: 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Decode([]byte(tt.payload))
			if err == nil {
				t.Fatalf("Decode(%q) succeeded", tt.payload)
			}
			if got := errors.Is(err, event.ErrNotEvent); got != tt.notEvent {
				t.Errorf("errors.Is(%v, ErrNotEvent) = %v, want %v", err, got, tt.notEvent)
			}
			if !errors.Is(err, event.ErrMalformed) {
				t.Errorf("error %v is not ErrMalformed", err)
			}
		})
	}
}

// TestNotEventElements checks the batch elements that hold no event: an
// array of transformed values decodes to failed elements, each
// ErrNotEvent, while broken events among them are not.
func TestNotEventElements(t *testing.T) {
	p, err := event.Decode([]byte(`["a", 1, {"k":"v"}, "{\"k\":1}", {"topic":["t"]}, "{\"topic\":1}", {"topic":"t","body":"ok"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Messages) != 1 || p.Messages[0].Text() != "ok" {
		t.Fatalf("messages = %+v, want the last element", p.Messages)
	}
	want := []bool{true, true, true, true, false, false}
	if len(p.Failed) != len(want) {
		t.Fatalf("failed = %v", p.Failed)
	}
	for i, f := range p.Failed {
		if got := errors.Is(f, event.ErrNotEvent); got != want[i] {
			t.Errorf("element %d (%v): ErrNotEvent %v, want %v", f.Index, f, got, want[i])
		}
	}
}
