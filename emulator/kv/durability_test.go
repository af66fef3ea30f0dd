package kv_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// TestBoltReopen checks that data written before Close is read back after
// reopening the file.
func TestBoltReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kv.db")
	s, err := kv.OpenBolt(path, kv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hammerKeys(t, s, 8, 50)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openBolt(t, path, kv.Options{})
	for g := range 8 {
		for i := range 50 {
			if got := get(t, s, "b", key(g, i)); got != key(g, i) {
				t.Fatalf("after reopen %s = %q", key(g, i), got)
			}
		}
	}
}

// TestBoltLocked checks that a second open of a file in use fails with an
// error naming the file instead of hanging.
func TestBoltLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kv.db")
	openBolt(t, path, kv.Options{})
	start := time.Now()
	_, err := kv.OpenBolt(path, kv.Options{LockTimeout: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("second open: %v, want an error naming %s", err, path)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second open took %v", d)
	}
}

// key names the i-th key of writer g.
func key(g, i int) string { return fmt.Sprintf("w%02d-%06d", g, i) }

// hammerKeys has n writers each Put count keys, one per Update, calling
// acked after each Update returns.
func hammerKeys(t testing.TB, s kv.Store, n, count int, acked ...func(string)) {
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() {
			for i := range count {
				k := key(g, i)
				if err := s.Update(func(w kv.Writer) error {
					return w.Put("b", []byte(k), []byte(k))
				}); err != nil {
					t.Error(err)
					return
				}
				for _, f := range acked {
					f(k)
				}
			}
		})
	}
	wg.Wait()
}

const crashEnv = "KV_CRASH_CHILD_DB"

// TestBoltCrashChild is the child side of TestBoltCrash: it writes keys
// until killed and prints each one once its Update has returned.
func TestBoltCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the child of TestBoltCrash")
	}
	s, err := kv.OpenBolt(path, kv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(time.Minute, func() { os.Exit(3) }) // never outlive the parent
	var mu sync.Mutex
	hammerKeys(t, s, 8, 1<<30, func(k string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = os.Stdout.WriteString("ack " + k + "\n")
	})
}

// TestBoltCrash kills a writing child process with SIGKILL and checks that
// every key it acknowledged is in the reopened file.
func TestBoltCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBoltCrashChild$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := readAcks(bufio.NewReader(out), 2000, func() { _ = cmd.Process.Kill() })
	_ = cmd.Wait()
	if len(acked) < 2000 {
		t.Fatalf("child acknowledged only %d keys", len(acked))
	}
	s := openBolt(t, path, kv.Options{})
	for _, k := range acked {
		if got := get(t, s, "b", k); got != k {
			t.Fatalf("acknowledged key %s lost after kill: %q", k, got)
		}
	}
	t.Logf("%d acknowledged keys survived SIGKILL", len(acked))
}

// readAcks collects acknowledged keys, calls kill once it has n of them,
// and keeps every complete line printed before the child died.
func readAcks(rd *bufio.Reader, n int, kill func()) []string {
	var acked []string
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return acked // a partial last line is not an acknowledgement
		}
		if k, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "ack "); ok {
			acked = append(acked, k)
		}
		if len(acked) == n {
			kill()
		}
	}
}
