package stack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// TestConsoleInBrowser drives the web console in headless Chromium as a
// user would: the form comes filled in with the trigger's topic and
// instance; a message sent from it with the instance emptied reaches the
// players function (the instance is the trigger's), the invocation shows
// in the live view, and the row it wrote shows in the table browser; the
// backlog lists the trigger's group, and resetting its offset to the
// earliest message delivers the message again. .ci/setup installs
// Chromium.
func TestConsoleInBrowser(t *testing.T) {
	s := startConsoleStack(t)
	ctx := newBrowser(t)
	var err error

	text := func(sel string) string {
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	err = chromedp.Do(ctx, chromedp.Navigate(s.ConsoleLink()), chromedp.WaitVisible(`#send-form`))
	if err != nil {
		t.Fatalf("browser: open the console: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('topic').value === 'players' && document.getElementById('instance').value === 'MQ_INST_test'`)); err != nil {
		t.Fatalf("browser: the form is not filled in with s.yaml's topic and instance: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Clear(`#instance`),
		chromedp.SendKeys(`#tag`, "register"),
		chromedp.SendKeys(`#body`, `{"id":"2001","name":"zed","job":"rogue","hero":"Akali"}`),
		chromedp.Click(`#send-button`),
	)
	if err != nil {
		t.Fatalf("browser: send from the form: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('send-result').textContent.startsWith('sent')`)); err != nil {
		t.Fatalf("browser: no send result (%q): %v", text(`#send-result`), err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`tr.invocation`)); err != nil {
		t.Fatalf("browser: no invocation in the live view: %v", err)
	}
	live := text(`#invocations`)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`button.table`), chromedp.Click(`button.table`), chromedp.WaitVisible(`tr.row`)); err != nil {
		t.Fatalf("browser: table browser: %v", err)
	}
	rows := text(`#rows`)
	if !strings.Contains(live, "players") || !strings.Contains(live, "ok") {
		t.Errorf("live view = %q, want a successful players invocation", live)
	}
	if !strings.Contains(rows, "2001") || !strings.Contains(rows, "zed") {
		t.Errorf("table browser = %q, want the row of player 2001", rows)
	}

	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll('#backlog tr.backlog')].some(r => r.textContent.includes('GID_players_fc'))`)); err != nil {
		t.Fatalf("browser: no backlog row of GID_players_fc (%q): %v", text(`#backlog`), err)
	}
	backlog := text(`#backlog`)
	if !strings.Contains(backlog, "MQ_INST_test") || !strings.Contains(backlog, "players") {
		t.Errorf("backlog = %q, want MQ_INST_test/players", backlog)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(`#backlog tr.backlog`), // fills instance, topic and group
		chromedp.Click(`#reset-button`),
	)
	if err != nil {
		t.Fatalf("browser: reset offset: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('reset-result').textContent !== ''`)); err != nil {
		t.Fatalf("browser: no reset result: %v", err)
	}
	if got := text(`#reset-result`); got != "reset to earliest: 1 message to consume" {
		t.Fatalf("reset result = %q", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('tr.invocation').length >= 2`)); err != nil {
		t.Fatalf("browser: the reset did not deliver the message again (%q): %v", text(`#invocations`), err)
	}
}

// startConsoleStack starts the players stack with a web console.
func startConsoleStack(t *testing.T) *stack.Stack {
	t.Helper()
	proj, err := syaml.Load("testdata/players.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(context.Background(), stack.Config{Project: proj, ConsoleListen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// newBrowser starts headless Chromium for the test, with 90 s to run.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run .ci/setup (it installs Debian's chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancel(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestConsoleRefusesOtherPages: a page of another origin that the
// developer visits, in the browser that has the console open (its token
// cookie set), cannot publish through the console, re-drive dead letters
// or move an offset through the MQ endpoint's admin API; the console's
// own page keeps working.
func TestConsoleRefusesOtherPages(t *testing.T) {
	s := startConsoleStack(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.ConsoleLink()), chromedp.WaitVisible(`#send-form`)); err != nil {
		t.Fatalf("browser: open the console: %v", err)
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body><script>
const post = (url, body) => fetch(url, {method: "POST", mode: "no-cors", credentials: "include",
	headers: {"Content-Type": "text/plain"}, body: JSON.stringify(body)}).catch(() => {});
Promise.all([
	post(%q, {topic: "players", tag: "register", body: "{\"id\":\"666\",\"name\":\"evil\"}"}),
	post(%q, {trigger: "players", ids: ["x"]}),
	post(%q, {topic: "players", group: "GID_players_fc", to: "earliest"}),
]).then(() => { document.title = "done"; });
</script></body></html>`, s.ConsoleURL+"/api/send", s.ConsoleURL+"/api/redrive", s.MQEndpoint+"/api/reset-offset")
	}))
	defer evil.Close()
	before := s.MQ.Broker().Stats().Published
	if err := chromedp.Do(ctx, chromedp.Navigate(evil.URL)); err != nil {
		t.Fatalf("browser: the other page: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.title === "done"`)); err != nil {
		t.Fatalf("browser: the other page's requests: %v", err)
	}
	if n := s.MQ.Broker().Stats().Published - before; n != 0 {
		t.Errorf("the other page published %d messages through the console", n)
	}
	bls, err := s.MQ.Broker().Backlogs("MQ_INST_test")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bls {
		if b.Group == "GID_players_fc" && b.Ready != 0 {
			t.Errorf("the other page moved the offset: %+v", b)
		}
	}
	// The console's own page still sends.
	err = chromedp.Do(ctx, chromedp.Navigate(s.ConsoleURL), chromedp.WaitVisible(`#send-form`),
		chromedp.SetValue(`#topic`, "players"), chromedp.SendKeys(`#tag`, "register"),
		chromedp.SendKeys(`#body`, `{"id":"2002","name":"amy","job":"mage","hero":"Lux"}`), chromedp.Click(`#send-button`))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('send-result').textContent.startsWith('sent')`))
	}
	if err != nil {
		t.Fatalf("browser: the console's own page: %v", err)
	}
}

// TestConsoleGuard: over raw HTTP, a request without the token, with a
// wrong one, or to a foreign Host (DNS rebinding) is refused, and so is
// a cross-origin state change, on the live stream, the message search
// and journeys, pause and resume and the page's script as on the rest;
// the token in the header or the cookie the link sets is served.
func TestConsoleGuard(t *testing.T) {
	s := startConsoleStack(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, url, host string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(`{}`))
		if host != "" {
			req.Host = host
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	port := s.ConsoleURL[strings.LastIndexByte(s.ConsoleURL, ':')+1:]
	token := map[string]string{console.TokenHeader: s.ConsoleToken}
	for _, tc := range []struct {
		name, method, path, host string
		hdr                      map[string]string
		want                     int
	}{
		{"no token", "GET", "/api/invocations", "", nil, http.StatusUnauthorized},
		{"no token, page", "GET", "/", "", nil, http.StatusUnauthorized},
		{"wrong token", "GET", "/api/invocations", "", map[string]string{console.TokenHeader: "guess"}, http.StatusUnauthorized},
		{"token", "GET", "/api/invocations", "", token, http.StatusOK},
		{"localhost", "GET", "/api/invocations", "localhost:" + port, token, http.StatusOK},
		{"rebinding", "GET", "/api/tables", "evil.example:" + port, token, http.StatusMisdirectedRequest},
		{"other port", "GET", "/api/tables", "127.0.0.1:1", token, http.StatusMisdirectedRequest},
		{"cross-origin send", "POST", "/api/send", "", map[string]string{console.TokenHeader: s.ConsoleToken, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"link", "GET", "/?token=" + s.ConsoleToken, "", nil, http.StatusSeeOther},
		{"no token, live stream", "GET", "/api/events", "", nil, http.StatusUnauthorized},
		{"no token, search", "GET", "/api/messages?key=k", "", nil, http.StatusUnauthorized},
		{"no token, journey", "GET", "/api/messages/ABC", "", nil, http.StatusUnauthorized},
		{"no token, script", "GET", "/app.js", "", nil, http.StatusUnauthorized},
		{"no token, pause", "POST", "/api/triggers/players-rocketmq/pause", "", nil, http.StatusUnauthorized},
		{"live stream", "GET", "/api/events", "", token, http.StatusOK},
		{"topics", "GET", "/api/topics", "", token, http.StatusOK},
		{"journey", "GET", "/api/messages/ABC", "", token, http.StatusOK},
		{"script", "GET", "/app.js", "", token, http.StatusOK},
		{"rebinding, live stream", "GET", "/api/events", "evil.example:" + port, token, http.StatusMisdirectedRequest},
		{"rebinding, search", "GET", "/api/messages?key=k", "evil.example:" + port, token, http.StatusMisdirectedRequest},
		{"cross-origin pause", "POST", "/api/triggers/players-rocketmq/pause", "", map[string]string{console.TokenHeader: s.ConsoleToken, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"cross-origin resume", "POST", "/api/triggers/players-rocketmq/resume", "", map[string]string{console.TokenHeader: s.ConsoleToken, "Origin": "http://evil.example"}, http.StatusForbidden},
	} {
		if resp := do(tc.method, s.ConsoleURL+tc.path, tc.host, tc.hdr); resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	resp := do("GET", s.ConsoleLink(), "", nil)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == console.TokenCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || resp.Header.Get("Location") != "/" {
		t.Fatalf("the link answered %d, cookie %+v, location %q", resp.StatusCode, cookie, resp.Header.Get("Location"))
	}
	if r := do("GET", s.ConsoleURL+"/api/invocations", "", map[string]string{"Cookie": cookie.Name + "=" + cookie.Value}); r.StatusCode != http.StatusOK {
		t.Errorf("with the cookie: %d", r.StatusCode)
	}
	if r := do("POST", s.MQEndpoint+"/api/reset-offset", "evil.example", nil); r.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("the MQ endpoint's admin API to a foreign Host: %d", r.StatusCode)
	}
	if s.Bridge.Paused("players-rocketmq") {
		t.Error("a refused request paused the trigger")
	}
}
