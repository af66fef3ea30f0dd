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
// so only those credentials can sign the reads and writes.
func TestBinary(t *testing.T) {
	srv, endpoint := startTablestore(t, emulator.Config{AccessKeyID: "orders-test", AccessKeySecret: "orders-test-secret"})
	if err := createTables(context.Background(), openDB(t, srv, endpoint, staticCredentials(srv)), DefaultConfig); err != nil {
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

	status, body := invoke(t, url, fixture(t, "created.json"), "req-nokey", nil)
	if status != http.StatusNotFound || !strings.Contains(body, "no credentials") {
		t.Errorf("invocation without credentials: %d %s, want 404 naming the missing credentials", status, body)
	}
	sts := srv.IssueSTS(time.Hour)
	headers := map[string]string{
		"x-fc-access-key-id":     sts.AccessKeyID,
		"x-fc-access-key-secret": sts.AccessKeySecret,
		"x-fc-security-token":    sts.SecurityToken,
	}
	for i, name := range []string{"created.json", "paid.json"} {
		if status, body := invoke(t, url, fixture(t, name), "req-sts-"+strconv.Itoa(i), headers); status != http.StatusOK {
			t.Fatalf("invocation of %s with STS credentials: %d %s\nfunction output:\n%s", name, status, body, output)
		}
	}
	e := &env{t: t, client: sdkClient(srv, endpoint)}
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1002": StateCreated, "o-1003": StatePaid})
	e.wantCustomer("c-42", Customer{Orders: 2, TotalPaid: 2500})

	stopFunction(t, cmd)
	for _, line := range []string{"FC Invoke Start RequestId: req-sts-1", "FC Invoke End RequestId: req-sts-1"} {
		if !strings.Contains(output.String(), line) {
			t.Errorf("the function did not log %q; output:\n%s", line, output)
		}
	}
}

// TestSetup configures the function from its environment: the tables
// named by ORDERS_TABLE and CUSTOMERS_TABLE, created at start with
// ORDERS_CREATE_TABLES (signed with the key the environment names) or
// ROCKETFN_LOCAL (local mode: signed with the local Tablestore's key when
// no credentials are set).
func TestSetup(t *testing.T) {
	srv, endpoint := startTablestore(t, emulator.Config{})
	client := sdkClient(srv, endpoint)
	for _, create := range []string{"ORDERS_CREATE_TABLES", "ROCKETFN_LOCAL"} {
		env := map[string]string{
			"TABLESTORE_ENDPOINT": endpoint,
			"TABLESTORE_INSTANCE": srv.Instance(),
			"ORDERS_TABLE":        "shop_orders_" + strings.ToLower(create),
			"CUSTOMERS_TABLE":     "shop_customers_" + strings.ToLower(create),
			create:                "true",
		}
		if create != "ROCKETFN_LOCAL" {
			c := srv.Credentials()
			env["ALIBABA_CLOUD_ACCESS_KEY_ID"], env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = c.AccessKeyID, c.AccessKeySecret
		}
		app, err := setup(func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("setup with %s: %v", create, err)
		}
		if _, err := app.Invoke(context.Background(), fixture(t, "created.json")); err != nil {
			t.Fatalf("Invoke with %s: %v", create, err)
		}
		if o, ok := readRow(t, client, env["ORDERS_TABLE"], "o-1001"); !ok || o["State"] != StateCreated {
			t.Errorf("%s: order o-1001 is %v (found %v), want created", env["ORDERS_TABLE"], o, ok)
		}
		if c, _ := readRow(t, client, env["CUSTOMERS_TABLE"], "c-42"); c["Orders"] != int64(2) {
			t.Errorf("%s: customer c-42 is %v, want 2 orders", env["CUSTOMERS_TABLE"], c)
		}
	}

	bad := map[string]string{"ORDERS_CREATE_TABLES": "sometimes"}
	if _, err := setup(func(k string) string { return bad[k] }); err == nil || !strings.Contains(err.Error(), "ORDERS_CREATE_TABLES") {
		t.Errorf("setup with ORDERS_CREATE_TABLES=sometimes: %v, want an error naming the variable", err)
	}
	bad = map[string]string{"ORDERS_TABLE": "orders-2025", "ROCKETFN_LOCAL": "true"}
	if _, err := setup(func(k string) string { return bad[k] }); err == nil || !strings.Contains(err.Error(), "orders-2025") {
		t.Errorf("setup with ORDERS_TABLE=orders-2025: %v, want an error naming the table", err)
	}
}

// startFunction runs bin with env added to an environment cleared of the
// variables the function reads, its output collected.
func startFunction(t *testing.T, bin string, env ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !hasAnyPrefix(kv, "ALIBABA_CLOUD_", "TABLESTORE_", "ORDERS_", "CUSTOMERS_", "FC_", "ROCKETFN_") {
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

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
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
