package stack_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	"github.com/chromedp/chromedp"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// TestConsoleJourneyInBrowser drives the console in headless Chromium on
// the players function behind an event-driven trigger with retries and a
// dead-letter queue, on a fake clock: the send form is filled in from
// s.yaml; a message sent from it has a journey (published from the
// console, taken over by the trigger, one successful invocation with its
// logs, the row it wrote); one published over MQ HTTP is found by its key
// and says so; a poison message is retried, dead-lettered with a
// readable reason and re-driven; pausing the trigger leaves a message in
// the group's backlog and resuming delivers it; the function's charts
// show the invocations. All of it arrives without reloading the page,
// whose fields have labels, buttons names and sections headings.
// Screenshots at 1400 and 420 pixels wide go to $ROCKETFN_SCREENSHOTS
// (else the test's temporary directory); at both widths the key parts
// are visible and nothing overflows sideways.
func TestConsoleJourneyInBrowser(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	s := startJourneyStack(t, clock)
	p := newPage(t, s)
	p.do("open the console", chromedp.Navigate(s.ConsoleLink()), chromedp.WaitVisible(`#send-form`))
	p.waitJS("the live stream", `document.getElementById('status').textContent === 'live'`)
	if !evalJS[bool](p, `window.__sameLoad = true`) {
		t.Fatal("browser: could not mark the page")
	}

	// The form knows the topic and its instance from s.yaml.
	p.waitJS("the form filled in", `document.getElementById('topic').value === 'players' && document.getElementById('instance').value === 'MQ_INST_test'`)
	if hint := p.text(`#send-hint`); !strings.Contains(hint, "rocketfn send --topic players") {
		t.Errorf("send hint = %q, want the rocketfn send command for players", hint)
	}
	if empty := p.text(`#invocations`); !strings.Contains(empty, "No invocations yet") || !strings.Contains(empty, "rocketfn send --topic players") {
		t.Errorf("empty invocations = %q, want what to do", empty)
	}

	// A message from the form, followed to the row it wrote.
	p.do("send from the form",
		chromedp.SetValue(`#tag`, "register"),
		chromedp.SetValue(`#body`, `{"id":"3001","name":"kim","job":"bard","hero":"Sona"}`),
		chromedp.Click(`#send-button`))
	p.waitJS("the send result", `document.getElementById('send-result').textContent.startsWith('sent')`)
	sentID := strings.Fields(p.text(`#send-result`))[1]
	p.waitJS("the invocation, live", `document.querySelectorAll('tr.invocation').length === 1`)
	p.do("follow the journey", chromedp.Click(`#send-result .journey-link`))
	p.waitJS("the journey's row", `[...document.querySelectorAll('#journey-steps li')].some(li => li.textContent.includes('Wrote a row of table players'))`)
	journey := p.text(`#journey-steps`)
	for _, want := range []string{"Published to MQ_INST_test / players over console", "Trigger players-rocketmq (function players), group GID_players_fc",
		"consumed", "Invocation of players, attempt 1", "3001", "kim"} {
		if !strings.Contains(journey, want) {
			t.Errorf("journey of %s lacks %q:\n%s", sentID, want, journey)
		}
	}
	if !strings.Contains(p.text(`#journey-h`), sentID) {
		t.Errorf("journey heading %q, want message %s", p.text(`#journey-h`), sentID)
	}
	p.assertNoEscapedJSON("#journey-steps")

	// A message published over MQ HTTP, found by its key.
	cred := s.MQ.Credentials()
	prod := mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "").GetProducer("MQ_INST_test", "players")
	viaHTTP, err := prod.PublishMessage(mq.PublishMessageRequest{MessageBody: `{"id":"3002","name":"lee","job":"monk","hero":"Lee"}`,
		MessageTag: "register", MessageKey: "player-3002"})
	if err != nil {
		t.Fatal(err)
	}
	p.waitJS("the second invocation", `document.querySelectorAll('tr.invocation').length === 2`)
	p.do("search by key", chromedp.SetValue(`#search-key`, "player-3002"), chromedp.Click(`#search-button`))
	p.waitJS("the search result", `document.querySelectorAll('#found tr.found').length === 1`)
	if found := p.text(`#found`); !strings.Contains(found, viaHTTP.MessageId) || !strings.Contains(found, "MQ HTTP") || !strings.Contains(found, "players-rocketmq") {
		t.Errorf("search by key found %q, want %s published over MQ HTTP, consumed by players-rocketmq", found, viaHTTP.MessageId)
	}
	p.do("open the found message", chromedp.Click(`#found .journey-link`))
	p.waitJS("its journey", fmt.Sprintf(`document.getElementById('journey-h').textContent.includes(%q) && document.getElementById('journey-steps').textContent.includes('over MQ HTTP')`, viaHTTP.MessageId))

	// A poison message: retried on the fake clock, dead-lettered with a
	// readable reason, then re-driven from its journey.
	p.do("send a poison message", chromedp.SetValue(`#body`, `{"name":"no id"}`), chromedp.Click(`#send-button`))
	p.waitJS("the send result", `document.getElementById('send-result').textContent.startsWith('sent') && !document.getElementById('send-result').textContent.includes('`+sentID+`')`)
	poisonID := strings.Fields(p.text(`#send-result`))[1]
	p.tickUntil(s, clock, "the dead letter", `document.querySelectorAll('tr.deadletter').length === 1`)
	dl := p.text(`#deadletters`)
	if !strings.Contains(dl, poisonID) || !strings.Contains(dl, `is missing or empty`) || !strings.Contains(dl, `"errorType": "MessagesFailed"`) {
		t.Errorf("dead letters = %q, want %s with the function's reason", dl, poisonID)
	}
	if n := evalJS[int](p, `document.querySelectorAll('#deadletters pre.json').length`); n < 2 {
		t.Errorf("%d JSON blocks in the dead letters, want the reason and the event as JSON", n)
	}
	p.assertNoEscapedJSON("#deadletters")
	p.do("open the poison's journey", chromedp.Click(`#deadletters .journey-link`))
	p.waitJS("the dead letter in the journey", `[...document.querySelectorAll('#journey-steps li')].some(li => li.textContent.includes('Dead letter of trigger players-rocketmq'))`)
	if n := evalJS[int](p, `[...document.querySelectorAll('#journey-steps li')].filter(li => /Invocation of players, attempt \d failed/.test(li.textContent)).length`); n != 4 {
		t.Errorf("the poison's journey shows %d failed attempts, want 4 (3 retries)", n)
	}
	p.do("re-drive it", chromedp.Click(`#journey-steps .redrive`))
	p.tickUntil(s, clock, "the redrive in the journey", `document.getElementById('journey-steps').textContent.includes('Re-driven from the console through trigger players-rocketmq')`)
	p.waitJS("the notice", `document.getElementById('notice').textContent === 're-drove 1 event through trigger players-rocketmq'`)

	// Pause: a message stays in the group's backlog; resume delivers it.
	// The redriven poison fails its four attempts again (8 in all) and is
	// dead-lettered again, leaving nothing pending.
	p.tickUntil(s, clock, "the poison dead again", `document.querySelectorAll('tr.deadletter').length === 1 &&
		(r => r.cells[7].textContent === '8' && r.cells[8].textContent === '0')(document.querySelector('tr.trigger[data-trigger="players-rocketmq"]'))`)
	p.do("pause the trigger", chromedp.Click(`tr.trigger[data-trigger="players-rocketmq"] button.pause`))
	p.waitJS("the paused state", `document.querySelector('tr.trigger[data-trigger="players-rocketmq"] .badge').textContent === 'paused'`)
	before := evalJS[int](p, `document.querySelectorAll('tr.invocation').length`)
	p.do("send while paused", chromedp.SetValue(`#body`, `{"id":"3003","name":"max","job":"mage","hero":"Zoe"}`), chromedp.Click(`#send-button`))
	p.waitJS("the backlog while paused", `[...document.querySelectorAll('#backlog tr.backlog')].some(r => r.textContent.includes('GID_players_fc') && r.cells[4].textContent === '1')`)
	if n := evalJS[int](p, `document.querySelectorAll('tr.invocation').length`); n != before {
		t.Errorf("a paused trigger invoked: %d invocations, %d before", n, before)
	}
	p.shoot("paused")
	p.do("resume the trigger", chromedp.Click(`tr.trigger[data-trigger="players-rocketmq"] button.resume`))
	p.waitJS("the delivery after resuming", fmt.Sprintf(`document.querySelectorAll('tr.invocation').length === %d && document.querySelector('tr.trigger[data-trigger="players-rocketmq"] .badge').textContent === 'running'`, before+1))
	p.waitJS("the empty backlog", `[...document.querySelectorAll('#backlog tr.backlog')].some(r => r.textContent.includes('GID_players_fc') && r.cells[4].textContent === '0')`)

	// The charts: every invocation, failures included, with latencies.
	p.waitJS("the charts", `document.querySelectorAll('.fn-card[data-function="players"] svg.throughput rect.bar').length >= 1 && document.querySelectorAll('.fn-card[data-function="players"] svg.latency polyline').length === 2`)
	if fig := p.text(`.fn-card[data-function="players"] .figures`); !strings.Contains(fig, "p50") || !strings.Contains(fig, "p99") || !strings.Contains(fig, "failed") {
		t.Errorf("players figures = %q, want p50, p99 and failures", fig)
	}
	if !evalJS[bool](p, `window.__sameLoad === true`) {
		t.Error("the page was reloaded: the updates did not arrive live")
	}

	// Accessible markup: every field has a label, every button a name,
	// every section a heading.
	if bad := evalJS[[]string](p, `[...document.querySelectorAll('input, select, textarea')]
		.filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.id || e.outerHTML)`); len(bad) > 0 {
		t.Errorf("fields without a label: %q", bad)
	}
	if bad := evalJS[[]string](p, `[...document.querySelectorAll('button')]
		.filter(b => !(b.textContent.trim() || b.getAttribute('aria-label'))).map(b => b.outerHTML)`); len(bad) > 0 {
		t.Errorf("buttons without a name: %q", bad)
	}
	if bad := evalJS[[]string](p, `[...document.querySelectorAll('main > section')].filter(s => !s.querySelector('h2')).map(s => s.id)`); len(bad) > 0 ||
		evalJS[int](p, `document.querySelectorAll('h1').length`) != 1 {
		t.Errorf("sections without a heading: %q, or not one h1", bad)
	}

	// The journey of the first message again, for the screenshots.
	p.do("reopen the first journey", chromedp.Click(`#found .journey-link`))
	p.waitJS("the journey", fmt.Sprintf(`document.getElementById('journey-h').textContent.includes(%q)`, viaHTTP.MessageId))
	for _, width := range []int64{1400, 420} {
		p.do(fmt.Sprintf("a %d px viewport", width), chromedp.EmulateViewport(width, 900))
		p.waitJS("the layout at the new width", fmt.Sprintf(`window.innerWidth === %d`, width))
		if over := evalJS[int](p, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			t.Errorf("at %d px the page is %d px wider than the window", width, over)
		}
		// Nor does anything shown stick out of the window inside a
		// scrolling box, but the rows of the table browser, whose columns
		// are the table's. (Headers of tables shown as cards are hidden in
		// a 1 px box.)
		if out := evalJS[[]string](p, `[...document.querySelectorAll('main *')]
			.filter(e => !e.closest('#browser .scroll') && !(e.closest('thead') && e.closest('thead').getBoundingClientRect().width <= 1))
			.filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
			.map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ': ' + e.textContent.slice(0, 40))`); len(out) > 0 {
			t.Errorf("at %d px, %d elements stick out of the window: %q", width, len(out), out)
		}
		for _, sel := range []string{"#send-button", "#topic", "#journey-h", "#journey-steps li", `tr.trigger button.pause`, "svg.chart",
			"#backlog tr.backlog", "#search-button", "#deadletters .redrive", "#reset-button", "tr.invocation"} {
			p.assertVisible(sel, width)
		}
		p.shoot(fmt.Sprintf("console-%d", width))
	}
}

// startJourneyStack starts the players stack on clock with its trigger
// event-driven, with BACKOFF_RETRY and a dead-letter queue.
func startJourneyStack(t *testing.T, clock *fakeClock) *stack.Stack {
	t.Helper()
	src, err := os.ReadFile("testdata/players.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(src), "mode: event-streaming", "mode: event-driven", 1)
	yaml = strings.Replace(yaml, "                PushRetryStrategy: BACKOFF_RETRY\n",
		"                PushRetryStrategy: BACKOFF_RETRY\n              deadLetterQueue:\n                Arn: acs:mns:cn-hangzhou:1:/queues/players-dlq\n", 1)
	proj, err := syaml.Parse([]byte(yaml), "testdata")
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(context.Background(), stack.Config{Project: proj, ConsoleListen: "127.0.0.1:0", Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// page is a browser tab on the console.
type page struct {
	t   *testing.T
	ctx context.Context
	dir string // where screenshots go
}

func newPage(t *testing.T, s *stack.Stack) *page {
	dir := os.Getenv("ROCKETFN_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &page{t: t, ctx: newBrowser(t), dir: dir}
}

func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("browser: %s: %v", what, err)
	}
}

// waitJS waits up to 30 s for a JavaScript condition on the page.
func (p *page) waitJS(what, cond string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond)); err != nil {
		p.t.Fatalf("browser: waiting for %s (%s): %v\npage:\n%s", what, cond, err, p.text("main"))
	}
}

// tickUntil moves the fake clock to what the stack has due and runs it,
// until a condition holds on the page (up to 30 s).
func (p *page) tickUntil(s *stack.Stack, clock *fakeClock, what, cond string) {
	p.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if due := s.Bridge.Due(); !due.IsZero() {
			clock.Set(due)
		}
		s.Tick()
		if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(300*time.Millisecond))); err == nil {
			return
		}
	}
	p.t.Fatalf("browser: %s did not show (%s)\npage:\n%s", what, cond, p.text("main"))
}

func (p *page) text(sel string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Text(sel))
	if err != nil {
		p.t.Fatalf("browser: read %s: %v", sel, err)
	}
	return v
}

func evalJS[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("browser: evaluate %s: %v", expr, err)
	}
	return v
}

// assertNoEscapedJSON fails when the text under sel shows a JSON object
// or array held in a string, escaped ({\"id\": ...), instead of parsed.
func (p *page) assertNoEscapedJSON(sel string) {
	p.t.Helper()
	txt := p.text(sel)
	for _, esc := range []string{`{\"`, `[\"`, `\":`} {
		if strings.Contains(txt, esc) {
			p.t.Errorf("%s shows escaped JSON (%s):\n%s", sel, esc, txt)
			return
		}
	}
}

// assertVisible fails unless the first element matching sel has a size
// and lies within the window's width.
func (p *page) assertVisible(sel string, width int64) {
	p.t.Helper()
	box := evalJS[[]float64](p, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return [];
		const r = e.getBoundingClientRect(); return [r.left, r.right, r.width, r.height]; })()`, sel))
	switch {
	case len(box) == 0:
		p.t.Errorf("at %d px: no %s", width, sel)
	case box[2] <= 0 || box[3] <= 0:
		p.t.Errorf("at %d px: %s has no size (%v)", width, sel, box)
	case box[0] < 0 || box[1] > float64(width)+0.5:
		p.t.Errorf("at %d px: %s spans %.0f..%.0f, outside the window", width, sel, box[0], box[1])
	}
}

// shoot writes a full-page screenshot as name.png and checks it: a PNG
// as wide as the window, not blank.
func (p *page) shoot(name string) {
	p.t.Helper()
	evalJS[bool](p, `window.scrollTo(0, 0), true`)
	data, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	width := evalJS[int](p, `window.innerWidth`)
	if b := img.Bounds(); b.Dx() != width || b.Dy() < 400 {
		p.t.Errorf("screenshot %s is %dx%d, want %d px wide and the whole page", name, b.Dx(), b.Dy(), width)
	}
	colors := map[uint32]bool{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y && len(colors) < 16; y += 7 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 5 {
			r, g, b, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	if len(colors) < 16 {
		p.t.Errorf("screenshot %s looks blank: %d colours", name, len(colors))
	}
	path := filepath.Join(p.dir, name+".png")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}
