package console_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestPageIsSelfContained: the page loads nothing from elsewhere, so it
// works offline: every src and href of the HTML is one of the console's
// own paths or an anchor, the style sheet imports nothing, and the
// script calls only the console's API.
func TestPageIsSelfContained(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	html, css, js := read("index.html"), read("style.css"), read("app.js")
	refs := regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(html, -1)
	if len(refs) < 2 {
		t.Fatalf("found %d references in index.html, want the style sheet and the script at least", len(refs))
	}
	for _, m := range refs {
		if ref := m[1]; !(strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "//") || strings.HasPrefix(ref, "#")) {
			t.Errorf("index.html refers to %q, outside the console", ref)
		}
	}
	for _, bad := range []string{"url(", "@import"} {
		if strings.Contains(css, bad) {
			t.Errorf("style.css uses %s", bad)
		}
	}
	calls := regexp.MustCompile(`(?:fetch|EventSource)\(\s*([^,)]*)`).FindAllStringSubmatch(js, -1)
	if len(calls) < 2 {
		t.Fatalf("found %d fetch and EventSource calls in app.js", len(calls))
	}
	for _, m := range calls {
		if arg := strings.TrimSpace(m[1]); arg != "path" && !strings.HasPrefix(arg, "'/api/") {
			t.Errorf("app.js fetches %s, not a path of the console's API", arg)
		}
	}
	if strings.Contains(js, "innerHTML") || strings.Contains(js, "alert(") {
		t.Error("app.js uses innerHTML or alert: data goes into the page as text, messages into the notice")
	}
}
