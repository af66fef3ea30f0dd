package fcinvoker

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func TestParseMarker(t *testing.T) {
	tests := []struct {
		line      string
		id        string
		start, ok bool
	}{
		{"FC Invoke Start RequestId: abc", "abc", true, true},
		{"FC Invoke End RequestId: abc", "abc", false, true},
		{"FC Invoke End RequestId: abc, Error: Unhandled function error", "abc", false, true},
		{"FC Initialize Start RequestId: i-1", "i-1", true, true},
		{"FC PreStop End RequestId: p-1", "p-1", false, true},
		{"FC Invoke Middle RequestId: abc", "", false, false},
		{"FC Invoke Start RequestId: ", "", true, false},
		{"level=INFO msg=FC Invoke Start RequestId: abc", "", false, false},
		{"hello", "", false, false},
	}
	for _, tt := range tests {
		id, start, ok := parseMarker(tt.line)
		if ok != tt.ok || (ok && (id != tt.id || start != tt.start)) {
			t.Errorf("parseMarker(%q) = %q, %v, %v; want %q, %v, %v", tt.line, id, start, ok, tt.id, tt.start, tt.ok)
		}
	}
}

func TestReadLinesCutsLongLines(t *testing.T) {
	long := strings.Repeat("x", maxLine+10)
	var got []string
	readLines(strings.NewReader("a\r\n"+long+"\nb\nlast"), func(s string) { got = append(got, s) })
	want := []string{"a", strings.Repeat("x", maxLine) + " [line cut]", "b", "last"}
	if !slices.Equal(got, want) {
		t.Errorf("lines %d, want %d (%q...)", len(got), len(want), got[0])
	}
}

func TestOutputAttribution(t *testing.T) {
	store := newLogStore(1 << 20)
	o := newOutput("c-1", slog.New(slog.DiscardHandler), store)
	pr, pw := io.Pipe()
	go o.run(pr)
	endA := o.expect("A")
	io.WriteString(pw, strings.Join([]string{
		"listening",                     // before any request: nobody's
		"FC Invoke Start RequestId: A",  // A
		"alone",                         // A, the only open request
		"FC Invoke Start RequestId: B",  // B
		"msg=x request_id=B",            // B, by its ID
		"shared",                        // nobody's: A and B are open
		"FC Invoke End RequestId: A",    // A
		"after A",                       // B, the only open request
		"FC Invoke End RequestId: B, E", // B
	}, "\n")+"\n")
	pw.Close()
	<-o.done
	select {
	case <-endA:
	default:
		t.Error("A's End marker did not release its waiter")
	}
	wantA := "FC Invoke Start RequestId: A\nalone\nFC Invoke End RequestId: A\n"
	wantB := "FC Invoke Start RequestId: B\nmsg=x request_id=B\nafter A\nFC Invoke End RequestId: B, E\n"
	if got := string(store.get("A")); got != wantA {
		t.Errorf("A's log:\n%s\nwant\n%s", got, wantA)
	}
	if got := string(store.get("B")); got != wantB {
		t.Errorf("B's log:\n%s\nwant\n%s", got, wantB)
	}
	if tail := o.lastLines(); len(tail) != 9 || tail[0] != "listening" {
		t.Errorf("tail %q", tail)
	}
}

func TestLogStoreBounds(t *testing.T) {
	s := newLogStore(400) // 100 bytes per request
	for _, id := range strings.Split("abcdefghij", "") {
		s.add(id, strings.Repeat(id, 49)) // 50 bytes with the newline
	}
	if s.get("a") != nil || s.get("b") != nil || s.get("c") == nil {
		t.Errorf("kept a %v, b %v, c %v: want the two oldest evicted", s.get("a") != nil, s.get("b") != nil, s.get("c") != nil)
	}
	s.add("j", strings.Repeat("j", 49))
	s.add("j", "one too many")
	if got := string(s.get("j")); !strings.HasSuffix(got, truncatedNote) || strings.Contains(got, "one too many") {
		t.Errorf("j's log:\n%s", got)
	}
	if s.size > s.max {
		t.Errorf("size %d over %d", s.size, s.max)
	}
}
