package console_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/console"
)

// routes are every path the console serves, with its method.
var routes = []struct{ method, path string }{
	{"GET", "/"}, {"GET", "/style.css"}, {"GET", "/app.js"},
	{"POST", "/api/send"}, {"GET", "/api/invocations"}, {"GET", "/api/logs?function=f1&request=r"},
	{"GET", "/api/deadletters"}, {"POST", "/api/redrive"}, {"GET", "/api/backlog"}, {"POST", "/api/reset-offset"},
	{"GET", "/api/tables"}, {"GET", "/api/known"}, {"GET", "/api/topics"}, {"GET", "/api/triggers"},
	{"POST", "/api/triggers/t1/pause"}, {"POST", "/api/triggers/t1/resume"}, {"GET", "/api/metrics"},
	{"GET", "/api/messages?key=k"}, {"GET", "/api/messages/ABC"}, {"GET", "/api/events"},
}

// TestGuardOnEveryRoute: behind Guard, every route of the console needs
// the token (401), answers only its own address (421 for a rebinding
// Host), and refuses cross-origin state changes (403); with the token
// each is served.
func TestGuardOnEveryRoute(t *testing.T) {
	e := newAdminEnv(t)
	c := console.New(console.Services{Broker: e.b, Bridge: e.bridge})
	srv := httptest.NewServer(console.Guard(c, "secret"))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	do := func(method, path, host string, hdr map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{}`))
		if host != "" {
			req.Host = host
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	token := map[string]string{console.TokenHeader: "secret"}
	for _, r := range routes {
		if code := do(r.method, r.path, "", nil); code != http.StatusUnauthorized {
			t.Errorf("%s %s without the token: %d, want 401", r.method, r.path, code)
		}
		if code := do(r.method, r.path, "evil.example:"+port, token); code != http.StatusMisdirectedRequest {
			t.Errorf("%s %s to a rebinding Host: %d, want 421", r.method, r.path, code)
		}
		if r.method == "POST" {
			cross := map[string]string{console.TokenHeader: "secret", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
			if code := do(r.method, r.path, "", cross); code != http.StatusForbidden {
				t.Errorf("%s %s cross-origin: %d, want 403", r.method, r.path, code)
			}
		}
		if code := do(r.method, r.path, "", token); code == http.StatusUnauthorized || code == http.StatusForbidden ||
			code == http.StatusMisdirectedRequest || code == http.StatusNotFound && !strings.HasPrefix(r.path, "/api/triggers/") {
			t.Errorf("%s %s with the token: %d", r.method, r.path, code)
		}
	}
	if e.bridge.Paused("t1") {
		t.Error("a refused request paused the trigger")
	}
}
