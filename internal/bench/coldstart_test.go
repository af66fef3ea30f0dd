package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A server is a built cold-start program.
type server struct {
	name    string
	bin     string // path of the binary
	portEnv string // the variable it reads its port from
	size    int64  // bytes
}

// The programs under coldstart/, and the variable each takes its port from.
var servers = []struct{ name, portEnv string }{
	{"rocketfn", "FC_CUSTOM_LISTEN_PORT"},
	{"nethttp", "PORT"},
}

// buildServers builds the cold-start programs into dir with
// go build -trimpath, as a function would be built for deployment.
func buildServers(tb testing.TB, dir string) []server {
	tb.Helper()
	gocmd, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		tb.Fatal(err)
	}
	var out []server
	for _, s := range servers {
		bin := filepath.Join(dir, s.name)
		cmd := exec.Command(gocmd, "build", "-trimpath", "-o", bin, "./coldstart/"+s.name)
		if msg, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("build %s: %v\n%s", s.name, err, msg)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, server{name: s.name, bin: bin, portEnv: s.portEnv, size: fi.Size()})
	}
	return out
}

// freePort returns a loopback port that nothing listens on.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// pollInterval is how long the client waits between attempts to reach a
// starting server.
const pollInterval = 100 * time.Microsecond

// startTimeout bounds one cold start.
const startTimeout = 10 * time.Second

// client is the HTTP client of the cold starts: a new connection per
// request, no proxy.
var client = &http.Client{
	Transport: &http.Transport{DisableKeepAlives: true},
	Timeout:   startTimeout,
}

// A timer is started just before exec and stopped at the first answer:
// a benchmark's *testing.B, or noTimer.
type timer interface {
	StartTimer()
	StopTimer()
}

type nopTimer struct{}

func (nopTimer) StartTimer() {}
func (nopTimer) StopTimer()  {}

var noTimer timer = nopTimer{}

// coldStart execs s and POSTs the single event to its /invoke every
// pollInterval until one is answered 200. It returns the time from just
// before exec to that answer, the span tm runs for. The process is killed
// and waited for after that.
func coldStart(s server, tm timer) (time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/invoke"
	cmd := exec.Command(s.bin)
	// Only the port and the loopback interface to listen on (rocketfn reads
	// ROCKETFN_HOST; nethttp always listens on loopback): no platform
	// variable of the parent leaks in.
	cmd.Env = []string{s.portEnv + "=" + strconv.Itoa(port), "ROCKETFN_HOST=127.0.0.1"}
	tm.StartTimer()
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		tm.StopTimer()
		return 0, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for {
		resp, err := client.Post(url, "application/json", bytes.NewReader(singlePayload))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			d := time.Since(t0)
			tm.StopTimer()
			if resp.StatusCode != http.StatusOK {
				return 0, fmt.Errorf("%s: first request answered %s", s.name, resp.Status)
			}
			return d, nil
		}
		var op *net.OpError
		if !errors.As(err, &op) || op.Op != "dial" {
			tm.StopTimer()
			return 0, fmt.Errorf("%s: %v", s.name, err)
		}
		if time.Since(t0) > startTimeout {
			tm.StopTimer()
			return 0, fmt.Errorf("%s: not answering after %v: %v", s.name, startTimeout, err)
		}
		time.Sleep(pollInterval)
	}
}

// BenchmarkColdStart times each program from exec to its first answered
// invocation (sec/op, and the same in ms/start) and reports its binary
// size in MiB.
//
// The programs are interleaved: every iteration of a sub-benchmark also
// starts the other program, untimed, alternately before and after the
// timed one, so both sub-benchmarks run the same sequence of starts and
// see the same machine noise. rocketfn also reports vs-nethttp, the ratio
// of its mean to the mean of the nethttp starts paired with it.
func BenchmarkColdStart(b *testing.B) {
	built := buildServers(b, b.TempDir())
	for i, s := range built {
		partner := built[1-i]
		b.Run(s.name, func(b *testing.B) {
			b.StopTimer()
			var own, other time.Duration
			startPartner := func() {
				d, err := coldStart(partner, noTimer)
				if err != nil {
					b.Fatal(err)
				}
				other += d
			}
			for i := range b.N {
				if i%2 == 1 {
					startPartner()
				}
				d, err := coldStart(s, b) // the timer runs from exec to the answer
				if err != nil {
					b.Fatal(err)
				}
				own += d
				if i%2 == 0 {
					startPartner()
				}
			}
			b.ReportMetric(float64(own.Nanoseconds())/float64(b.N)/1e6, "ms/start")
			b.ReportMetric(float64(s.size)/(1<<20), "MiB")
			if partner.name == "nethttp" {
				b.ReportMetric(float64(own)/float64(other), "vs-nethttp")
			}
		})
	}
}
