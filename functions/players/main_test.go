package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	emulator "github.com/rocketfn/rocketfn/emulator/ots"
)

// TestBinary builds the function and runs it as Function Compute does: a
// process serving POST /invoke on FC_CUSTOM_LISTEN_PORT, configured by the
// environment, with the function role's STS credentials in the request
// headers. The function is not in local mode and has no key of its own,
// so only those credentials can sign the writes.
func TestBinary(t *testing.T) {
	srv, endpoint := startTablestore(t, emulator.Config{AccessKeyID: "players-test", AccessKeySecret: "players-test-secret"})
	if err := createTable(context.Background(), openDB(t, srv, endpoint, staticCredentials(srv)), DefaultTable); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd, output := startFunction(t, bin, "FC_CUSTOM_LISTEN_PORT="+port, "ROCKETFN_HOST=127.0.0.1",
		"TABLESTORE_ENDPOINT="+endpoint, "TABLESTORE_INSTANCE="+srv.Instance())
	url := "http://127.0.0.1:" + port + "/invoke"
	waitUp(t, url, output)
	payload := fixture(t, "players-batch.json")

	status, body := invoke(t, url, payload, "req-nokey", nil)
	if status != http.StatusNotFound || !strings.Contains(body, "no credentials") {
		t.Errorf("invocation without credentials: %d %s, want 404 naming the missing credentials", status, body)
	}
	sts := srv.IssueSTS(time.Hour)
	status, body = invoke(t, url, payload, "req-sts", map[string]string{
		"x-fc-access-key-id":     sts.AccessKeyID,
		"x-fc-access-key-secret": sts.AccessKeySecret,
		"x-fc-security-token":    sts.SecurityToken,
	})
	if status != http.StatusOK {
		t.Fatalf("invocation with STS credentials: %d %s\nfunction output:\n%s", status, body, output)
	}
	checkPlayers(t, sdkClient(srv, endpoint), DefaultTable, batchPlayers)

	stopFunction(t, cmd)
	for _, line := range []string{"FC Invoke Start RequestId: req-sts", "FC Invoke End RequestId: req-sts"} {
		if !strings.Contains(output.String(), line) {
			t.Errorf("the function did not log %q; output:\n%s", line, output)
		}
	}
}

// startFunction runs bin with env added to an environment cleared of the
// variables the function reads, its output collected.
func startFunction(t *testing.T, bin string, env ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ALIBABA_CLOUD_") && !strings.HasPrefix(kv, "TABLESTORE_") &&
			!strings.HasPrefix(kv, "PLAYERS_") && !strings.HasPrefix(kv, "FC_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out := new(lockedBuffer)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the function: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, out
}

// stopFunction stops the function as FC does, with SIGTERM, and expects
// it to exit cleanly.
func stopFunction(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signal the function: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the function exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the function did not exit within 10 s of SIGTERM")
	}
}

// waitUp waits until the function accepts connections.
func waitUp(t *testing.T, url string, output *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url) // a GET of /invoke is refused, but answered
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the function is not up after 10 s: %v\noutput:\n%s", err, output)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// invoke posts payload to url as FC does, and returns the status and body.
func invoke(t *testing.T, url string, payload []byte, requestID string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-fc-request-id", requestID)
	req.Header.Set("Content-Type", "application/octet-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the answer of POST %s: %v", url, err)
	}
	if got, want := resp.Header.Get("x-fc-status"), strconv.Itoa(resp.StatusCode); got != want {
		t.Errorf("POST %s: x-fc-status %q, want %q", url, got, want)
	}
	return resp.StatusCode, string(body)
}

// freePort returns a loopback port nothing listens on.
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

// lockedBuffer is a bytes.Buffer safe for a process to write while the
// test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSetup configures the function from its environment: the table named
// by PLAYERS_TABLE, created at start with PLAYERS_CREATE_TABLE, signed
// in local mode (ROCKETFN_LOCAL) with the local Tablestore's key when no
// credentials are set; outside local mode a missing endpoint is an error.
func TestSetup(t *testing.T) {
	srv, endpoint := startTablestore(t, emulator.Config{})
	env := map[string]string{
		"TABLESTORE_ENDPOINT":  endpoint,
		"TABLESTORE_INSTANCE":  srv.Instance(),
		"PLAYERS_TABLE":        "roster",
		"PLAYERS_CREATE_TABLE": "true",
		"ROCKETFN_LOCAL":       "true",
	}
	app, err := setup(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	if _, err := app.Invoke(context.Background(), fixture(t, "players-batch.json")); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	checkPlayers(t, sdkClient(srv, endpoint), "roster", batchPlayers)

	deployed := map[string]string{"TABLESTORE_INSTANCE": srv.Instance()}
	if _, err := setup(func(k string) string { return deployed[k] }); err == nil || !strings.Contains(err.Error(), "TABLESTORE_ENDPOINT") {
		t.Errorf("setup without TABLESTORE_ENDPOINT outside local mode: %v, want an error naming it", err)
	}

	env["PLAYERS_CREATE_TABLE"] = "sometimes"
	if _, err := setup(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "PLAYERS_CREATE_TABLE") {
		t.Errorf("setup with PLAYERS_CREATE_TABLE=sometimes: %v, want an error naming the variable", err)
	}
}
