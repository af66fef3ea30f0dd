package stack_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// TestConsoleInBrowser drives the web console in headless Chromium as a
// user would: a message sent from its form without an instance reaches
// the players function (the instance is the trigger's), the invocation
// shows in the live view, and the row it wrote shows in the table
// browser; the backlog lists the trigger's group, and resetting its
// offset to the earliest message delivers the message again. .ci/setup
// installs Chromium.
func TestConsoleInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run .ci/setup (it installs Debian's chromium)")
	}
	proj, err := syaml.Load("testdata/players.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(context.Background(), stack.Config{Project: proj, ConsoleListen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	text := func(sel string) string {
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.ConsoleURL),
		chromedp.WaitVisible(`#send-form`),
		chromedp.SendKeys(`#topic`, "players"),
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
