package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestBinary builds echo and calls it as Function Compute does: it starts
// the binary with FC_CUSTOM_LISTEN_PORT, posts to /invoke, and reads the
// log lines FC requires from its stdout.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "FC_CUSTOM_LISTEN_PORT="+port, "ROCKETFN_HOST=127.0.0.1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()

	payload := []byte(`{"specversion":"1.0","id":"e1","data":{"topic":"orders","systemProperties":{"TAGS":"paid","KEYS":"k1 k2","UNIQ_KEY":"M1"},"body":"hi"}}`)
	resp := postUntilUp(t, "http://127.0.0.1:"+port+"/invoke", payload)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("x-fc-status") != "200" {
		t.Fatalf("status %d, x-fc-status %q: %s", resp.StatusCode, resp.Header.Get("x-fc-status"), body)
	}
	if want := `[{"id":"M1","topic":"orders","tag":"paid","keys":["k1","k2"],"body":"hi"}]`; string(body) != want {
		t.Errorf("body %s, want %s", body, want)
	}
	for _, want := range []string{"FC Invoke Start RequestId: req-1", "FC Invoke End RequestId: req-1"} {
		select {
		case l := <-lines:
			if l != want {
				t.Errorf("log line %q, want %q", l, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no log line %q", want)
		}
	}
}

func postUntilUp(t *testing.T, url string, payload []byte) *http.Response {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
		req.Header.Set("x-fc-request-id", "req-1")
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			return resp
		}
		if time.Now().After(deadline) || !strings.Contains(err.Error(), "refused") {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
