package main

import (
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// A command that finds nothing at its service's address says which
// address it tried and what to start there.
func TestUnreachableNamesNextStep(t *testing.T) {
	getenv := func(string) string { return "" }
	endpoint := "http://" + closedAddr(t)
	for name, run := range map[string]func() error{
		"send": func() error {
			return send([]string{"--endpoint", endpoint, "--topic", "players", "--body", "x"}, io.Discard, io.Discard, getenv)
		},
		"tables": func() error { return tables([]string{"--endpoint", endpoint}, io.Discard, io.Discard, getenv) },
	} {
		err := run()
		if err == nil {
			t.Fatalf("%s to %s succeeded", name, endpoint)
		}
		for _, want := range []string{"nothing answers at " + endpoint, "start rocketfn dev", "--endpoint"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v\nwant it to contain %q", name, err, want)
			}
		}
	}
}

// A port another program holds stops rocketfn dev before anything is
// built, naming the address and the flag that moves it.
func TestDevBusyPortNamesFlag(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, flag := range []string{"--console", "--tablestore-listen", "--mq-listen", "--grpc-listen"} {
		args := []string{"--memory", "--file", "testdata/does-not-exist.yaml", "--console", "127.0.0.1:0",
			"--tablestore-listen", "127.0.0.1:0", "--mq-listen", "127.0.0.1:0", "--nameserver-listen", "127.0.0.1:0",
			"--remoting-listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0", flag, busy.Addr().String()}
		f, err := parseDevFlagsEnv(args, io.Discard, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		err = checkListeners(devListeners(f))
		if err == nil || !strings.Contains(err.Error(), busy.Addr().String()+" is in use") || !strings.Contains(err.Error(), flag) {
			t.Errorf("%s on a busy port: %v, want an error naming the address and %s", flag, err, flag)
		}
	}
}

// A data directory another process holds names --data and --memory.
func TestDevLockedData(t *testing.T) {
	dir := t.TempDir()
	held, err := kv.OpenBolt(filepath.Join(dir, "eventbridge.db"), kv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, err = kv.OpenBolt(filepath.Join(dir, "eventbridge.db"), kv.Options{LockTimeout: 10 * time.Millisecond})
	err = dataLocked(err, dir)
	if !errors.Is(err, kv.ErrLocked) || !strings.Contains(err.Error(), "--data "+dir) || !strings.Contains(err.Error(), "--memory") {
		t.Errorf("locked data: %v, want ErrLocked naming --data %s and --memory", err, dir)
	}
}
