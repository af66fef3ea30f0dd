package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Timing of the live stream (/api/events).
const (
	// streamRefresh is how often a stream compares the views it sends
	// with what it sent, and sends those that changed.
	streamRefresh = time.Second
	// streamSoonest is the least time between two comparisons that
	// changes (an invocation, a send, a pause...) ask for; a change
	// within it waits for the next refresh.
	streamSoonest = 200 * time.Millisecond
	// streamKeepAlive is how long a stream stays silent at most.
	streamKeepAlive = 15 * time.Second
	// streamWriteTimeout bounds each write to a client.
	streamWriteTimeout = 10 * time.Second
)

// watcher is one live stream's subscription to the console's changes.
type watcher struct {
	invs chan invocation // new invocations; dropped when full
	poke chan struct{}   // something changed
}

// watch subscribes a live stream.
func (c *Console) watch() *watcher {
	w := &watcher{invs: make(chan invocation, 256), poke: make(chan struct{}, 1)}
	c.mu.Lock()
	c.watchers[w] = struct{}{}
	c.mu.Unlock()
	return w
}

func (c *Console) unwatch(w *watcher) {
	c.mu.Lock()
	delete(c.watchers, w)
	c.mu.Unlock()
}

// notify hands a new invocation to the live streams.
func (c *Console) notify(inv invocation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for w := range c.watchers {
		select {
		case w.invs <- inv:
		default:
		}
		signalPoke(w.poke)
	}
}

// poke tells the live streams that something changed.
func (c *Console) poke() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for w := range c.watchers {
		signalPoke(w.poke)
	}
}

func signalPoke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// view is one of the views a live stream sends: its event name and how
// to compute it.
type view struct {
	event string
	value func() (any, error)
}

// views are what the live stream keeps up to date, as the GET endpoints
// of the same names answer them.
func (c *Console) views() []view {
	return []view{
		{"topics", func() (any, error) { return c.topicViews() }},
		{"triggers", func() (any, error) { return c.triggerViews(), nil }},
		{"deadletters", func() (any, error) { return c.deadLetterView() }},
		{"metrics", func() (any, error) { return c.metricsView(), nil }},
		{"builds", func() (any, error) { return c.buildView(), nil }},
	}
}

// streamDeadLetters is how many dead letters the live stream sends, the
// newest; /api/deadletters answers them all.
const streamDeadLetters = 200

// deadLetterView is the live stream's dead letters: the newest
// streamDeadLetters, without the payload's text when Event holds it.
func (c *Console) deadLetterView() ([]deadLetter, error) {
	dls, err := c.allDeadLetters()
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(dls, func(a, b deadLetter) int { return b.At.Compare(a.At) })
	dls = dls[:min(len(dls), streamDeadLetters)]
	for i := range dls {
		if dls[i].Event != nil {
			dls[i].Payload = ""
		}
	}
	return dls, nil
}

// events is the live stream (Server-Sent Events): "invocations" (the
// latest, newest first) once, then "invocation" for each new one, and
// "topics", "triggers", "deadletters" and "metrics" at the start and
// whenever they change. A view that fails is sent as {"error": ...}.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	wt := c.watch()
	defer c.unwatch(wt)

	var lastWrite, lastRefresh time.Time
	write := func(event string, data []byte) bool {
		lastWrite = time.Now()
		// Each write has its deadline, so the stream outlives the
		// server's write timeout.
		rc.SetWriteDeadline(lastWrite.Add(streamWriteTimeout))
		if event == "" {
			_, err := w.Write([]byte(": keep-alive\n\n"))
			return err == nil && rc.Flush() == nil
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	sent := map[string][]byte{}
	refresh := func() bool {
		lastRefresh = time.Now()
		for _, v := range c.views() {
			val, err := v.value()
			if err != nil {
				val = map[string]string{"error": err.Error()}
			}
			data, err := json.Marshal(val)
			if err != nil || bytes.Equal(sent[v.event], data) {
				continue
			}
			if !write(v.event, data) {
				return false
			}
			sent[v.event] = data
		}
		return true
	}

	list, _ := json.Marshal(c.latest(keep, ""))
	if !write("invocations", list) || !refresh() {
		return
	}
	tick := time.NewTicker(streamRefresh)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.done:
			return
		case inv := <-wt.invs:
			data, _ := json.Marshal(inv)
			if !write("invocation", data) {
				return
			}
		case <-wt.poke:
			if time.Since(lastRefresh) >= streamSoonest && !refresh() {
				return
			}
		case <-tick.C:
			if !refresh() {
				return
			}
			if time.Since(lastWrite) >= streamKeepAlive && !write("", nil) {
				return
			}
		}
	}
}
