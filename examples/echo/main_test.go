package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker/fctest"
)

func TestInvoke(t *testing.T) {
	payload, err := os.ReadFile("../../runtime/event/testdata/fc-trigger-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := newApp().Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var got []Echoed
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	want := []Echoed{
		{ID: "94ebc15f-f0db-4bbe-acce-56fb72fb****", Topic: "TopicName", Tag: "systemProperties.TAGS", Keys: []string{"systemProperties.KEYS"}, Body: "TEST"},
		{ID: "a1c2e3f4-0000-4bbe-acce-56fb72fb****", Topic: "TopicName", Tag: "systemProperties.TAGS", Keys: []string{"systemProperties.KEYS"}, Body: "TEST2"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// TestBinary builds echo and runs it as Function Compute does: a process
// serving POST /invoke on FC_CUSTOM_LISTEN_PORT, whose output holds the
// log lines FC requires around each invocation, and nothing else.
func TestBinary(t *testing.T) {
	f := fctest.Start(t, fctest.Config{})
	payload := []byte(`{"specversion":"1.0","id":"e1","data":{"topic":"orders","systemProperties":{"TAGS":"paid","KEYS":"k1 k2","UNIQ_KEY":"M1"},"body":"hi"}}`)
	res := f.Invoke(t, payload)
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if want := `[{"id":"M1","topic":"orders","tag":"paid","keys":["k1","k2"],"body":"hi"}]`; string(res.Body) != want {
		t.Errorf("body %s, want %s", res.Body, want)
	}
	want := []string{"FC Invoke Start RequestId: " + res.RequestID, "FC Invoke End RequestId: " + res.RequestID}
	if got := strings.Split(strings.TrimSpace(res.Logs), "\n"); !slices.Equal(got, want) {
		t.Errorf("log lines %q, want %q", got, want)
	}
	f.Stop(t)
}
