// Package fctest builds a function's package and runs it for a test as
// Function Compute runs a custom runtime (through package
// emulator/fcinvoker): a process configured by its environment, serving
// POST /invoke on the port in FC_CUSTOM_LISTEN_PORT, invoked with FC's
// headers and the role's credentials, stopped with SIGTERM. It is to a
// function's binary what net/http/httptest is to a handler: what the
// test checks goes through main, the environment and the wire, as in the
// cloud.
//
//	func TestBinary(t *testing.T) {
//		ts := otstest.New(t)
//		f := fctest.Start(t, fctest.Config{Env: ts.Env(), Credentials: ts.STS()})
//		res := f.InvokeFile(t, "testdata/event.json")
//		if err := res.Err(); err != nil {
//			t.Fatal(err)
//		}
//		...
//	}
//
// Start builds the package (go build, CGO_ENABLED=0), failing the test
// with the compiler's output when that fails; the process starts with
// the first invocation, which waits until it accepts connections. The
// process's environment holds PATH, HOME and a few such variables of the
// test's, Config.Env, FC's variables and the credentials, nothing else
// of the test's environment. Invocations fail the test only when they
// cannot be made (the process did not start: the failure shows its last
// lines); what the function answers, a failure included, is the
// Response, whose Logs are the lines the function wrote for it. The
// function is stopped when the test ends, or by Stop, which fails the
// test unless it exited with status 0 after SIGTERM.
package fctest
