package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// TestTablestoreCommandKeepsDataAcrossRestarts runs the command as a
// process, writes a row through the printed settings, stops it with
// SIGINT, and reads the row back from a second process on the same data.
func TestTablestoreCommandKeepsDataAcrossRestarts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	data := filepath.Join(t.TempDir(), "nested", "tablestore")
	cmd, env := startCommand(t, "tablestore", "--listen", "127.0.0.1:0", "--data", data, "--instance", "cli-test")
	c := sdkClient(env)
	createPlayers(t, c)
	put(t, c, "p1", "Ann")
	cmd.stop(t, os.Interrupt)

	cmd, env = startCommand(t, "tablestore", "--listen", "127.0.0.1:0", "--data", data, "--instance", "cli-test")
	if got := get(t, sdkClient(env), "p1"); got != "Ann" {
		t.Errorf("after restart Name = %q, want Ann", got)
	}
	cmd.stop(t, syscall.SIGTERM)
}

// TestTablestoreInProcess serves from memory in-process and stops when its
// context is cancelled.
func TestTablestoreInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serveTablestore(ctx, []string{"--listen", "127.0.0.1:0", "--memory", "--log-level", "debug"}, w, io.Discard)
		w.Close()
	}()
	env := readBanner(t, out, tablestoreVars...)
	c := sdkClient(env)
	createPlayers(t, c)
	put(t, c, "p1", "Ann")
	if got := get(t, c, "p1"); got != "Ann" {
		t.Errorf("Name = %q, want Ann", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveTablestore: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveTablestore did not return after cancel")
	}
}

// process is the test binary running as rocketfn.
type process struct {
	cmd    *exec.Cmd
	stderr strings.Builder
	done   chan error // receives the result of Wait
}

// startCommand runs the test binary as "rocketfn args..." and returns it
// with the environment lines its banner printed.
func startCommand(t *testing.T, args ...string) (*process, map[string]string) {
	t.Helper()
	c := &process{cmd: exec.Command(os.Args[0], args...), done: make(chan error, 1)}
	c.cmd.Env = append(os.Environ(), envCLIChild+"=1")
	c.cmd.Stderr = &c.stderr
	stdout, w := io.Pipe()
	c.cmd.Stdout = w
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start rocketfn %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		err := c.cmd.Wait()
		w.Close()
		c.done <- err
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			t.Logf("rocketfn %s stderr:\n%s", strings.Join(args, " "), c.stderr.String())
		}
	})
	return c, readBanner(t, stdout, tablestoreVars...)
}

// stop sends sig to the command, checks that it exits with status 0 and
// logs that the server stopped.
func (c *process) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal rocketfn: %v", err)
	}
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("rocketfn after %v: %v, want exit status 0", sig, err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("rocketfn did not exit after %v", sig)
	}
	if !strings.Contains(c.stderr.String(), "tablestore stopped") {
		t.Errorf("rocketfn stderr does not log the stop:\n%s", c.stderr.String())
	}
}

// readBanner reads the banner's "export NAME=value" lines from r until it
// says how to stop, then keeps draining r in the background.
// readBanner reads a command's banner up to "Press Ctrl-C" and returns
// its export lines, which must include names.
// tablestoreVars are the settings the tablestore banner exports.
var tablestoreVars = []string{envTablestoreEndpoint, envTablestoreInstance, envAccessKeyID, envAccessKeySecret}

func readBanner(t *testing.T, r io.Reader, names ...string) map[string]string {
	t.Helper()
	env := map[string]string{}
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
				env[name] = value
			}
			if strings.HasPrefix(line, "Press Ctrl-C") {
				close(found)
				io.Copy(io.Discard, r)
				return
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(20 * time.Second):
		t.Fatal("no banner")
	}
	for _, name := range names {
		if env[name] == "" {
			t.Fatalf("banner has no %s line: %v", name, env)
		}
	}
	return env
}

// sdkClient is an official SDK client configured from banner lines.
func sdkClient(env map[string]string) *tablestore.TableStoreClient {
	cfg := tablestore.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = 2 * time.Second
	return tablestore.NewClientWithConfig(env[envTablestoreEndpoint], env[envTablestoreInstance],
		env[envAccessKeyID], env[envAccessKeySecret], "", cfg)
}

func createPlayers(t *testing.T, c *tablestore.TableStoreClient) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: "players"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	})
	if err != nil {
		t.Fatalf("CreateTable players: %v", err)
	}
}

func put(t *testing.T, c *tablestore.TableStoreClient, id, name string) {
	t.Helper()
	ch := &tablestore.PutRowChange{TableName: "players", PrimaryKey: new(tablestore.PrimaryKey)}
	ch.PrimaryKey.AddPrimaryKeyColumn("id", id)
	ch.AddColumn("Name", name)
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatalf("PutRow %s: %v", id, err)
	}
}

// get returns the Name column of row id, "" when the row is missing.
func get(t *testing.T, c *tablestore.TableStoreClient, id string) string {
	t.Helper()
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", id)
	resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1}})
	if err != nil {
		t.Fatalf("GetRow %s: %v", id, err)
	}
	for _, col := range resp.Columns {
		if col.ColumnName == "Name" {
			return col.Value.(string)
		}
	}
	return ""
}
