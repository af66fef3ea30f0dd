package fctest_test

import (
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker/fctest"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
)

// A test of a function's binary: built from the package under test, run
// with the environment s.yaml would give it, pointing at a local
// Tablestore, and with the role's STS credentials; invoked with the
// sample payload; its rows read back.
func Example() {
	testBinary := func(t *testing.T) {
		ts := otstest.New(t)
		env := ts.Env()
		env["PLAYERS_CREATE_TABLE"] = "true"
		f := fctest.Start(t, fctest.Config{Env: env, Credentials: ts.STS()})
		res := f.InvokeFile(t, "testdata/event.json")
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Logs, "FC Invoke End RequestId: "+res.RequestID) {
			t.Errorf("logs:\n%s", res.Logs)
		}
		if row := ts.Row(t, "players", "1001"); row == nil {
			t.Errorf("no row 1001")
		}
		f.Stop(t) // fails the test unless the process exits cleanly on SIGTERM
	}
	_ = testBinary
}
