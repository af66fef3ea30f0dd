package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"golang.org/x/sync/errgroup"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
)

// debounce is how long the watcher waits after a change for the next one
// before it rebuilds: editors write a file several times on one save.
const debounce = 100 * time.Millisecond

// BuildStatus is the outcome of the last build of a function: the one
// Start made or, with Config.Watch, the last rebuild.
type BuildStatus struct {
	Function string `json:"function"`
	// OK reports a build that serves. When false, Error says why (the
	// compiler's output, or why the new build did not start) and the
	// previous build, Generation, keeps serving.
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	Time       time.Time `json:"time"`       // when the build ended
	DurationMs float64   `json:"durationMs"` // go build and, on a rebuild, the new instance's start
	Generation int64     `json:"generation"` // the build serving (fcinvoker.Stats.Generation)
}

// buildLog holds the last build of each function.
type buildLog struct {
	mu sync.Mutex
	m  map[string]BuildStatus
}

func (b *buildLog) set(st BuildStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]BuildStatus{}
	}
	b.m[st.Function] = st
}

// Builds returns the last build of each function, by name.
func (s *Stack) Builds() []BuildStatus {
	s.builds.mu.Lock()
	defer s.builds.mu.Unlock()
	out := slices.Collect(maps.Values(s.builds.m))
	slices.SortFunc(out, func(a, b BuildStatus) int { return strings.Compare(a.Function, b.Function) })
	return out
}

// watcher rebuilds a function when its sources change, and reloads it
// (fcinvoker.Invoker.Reload) when the build succeeds.
type watcher struct {
	log    *slog.Logger
	out    io.Writer // Config.BuildOutput
	outMu  sync.Mutex
	builds *buildLog
	fs     *fsnotify.Watcher
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	funcs []*watchedFunction
	dirs  map[string]int // watched directories: how many functions' sources are in each
}

// watchedFunction is one function under watch.
type watchedFunction struct {
	name    string
	dir     string // where go list and go build run
	inv     *fcinvoker.Invoker
	kick    chan struct{} // a rebuild is due; holds one at most
	sources sources       // guarded by watcher.mu
}

// startWatch finds the sources of each running function and watches
// them until Close.
func (s *Stack) startWatch(ctx context.Context, cfg Config) error {
	fs, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch the functions' sources: %w", err)
	}
	w := &watcher{log: s.log, out: cfg.BuildOutput, builds: &s.builds, fs: fs, dirs: map[string]int{}}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	s.watcher = w
	for _, f := range cfg.Project.Functions {
		if inv, ok := s.Invokers[f.Name]; ok {
			w.funcs = append(w.funcs, &watchedFunction{name: f.Name, dir: s.Function(f).Dir, inv: inv, kick: make(chan struct{}, 1)})
		}
	}
	found := make([]sources, len(w.funcs))
	g, gctx := errgroup.WithContext(ctx)
	for k, wf := range w.funcs {
		g.Go(func() error {
			src, err := listSources(gctx, wf.dir)
			if err != nil {
				return fmt.Errorf("watch function %s: %w", wf.name, err)
			}
			found[k] = src
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for k, wf := range w.funcs {
		if err := w.setSources(wf, found[k]); err != nil {
			return err
		}
	}
	w.wg.Go(w.run)
	for _, wf := range w.funcs {
		w.wg.Go(func() { w.builder(wf) })
	}
	s.log.Info("watching the functions' sources: a change rebuilds and reloads the function", "functions", len(w.funcs), "directories", len(w.dirs))
	return nil
}

// setSources makes src what wf is watched for, adding and removing
// directory watches to match.
func (w *watcher) setSources(wf *watchedFunction, src sources) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for d := range src.dirs() {
		if w.dirs[d] == 0 {
			if err := w.fs.Add(d); err != nil {
				if errors.Is(err, syscall.ENOSPC) {
					err = fmt.Errorf("%w (the system's limit of watches, fs.inotify.max_user_watches, is reached)", err)
				}
				errs = append(errs, fmt.Errorf("watch function %s: directory %s: %w", wf.name, d, err))
				continue
			}
		}
		w.dirs[d]++
	}
	if wf.sources.pkgDirs != nil {
		for d := range wf.sources.dirs() {
			if w.dirs[d]--; w.dirs[d] <= 0 {
				delete(w.dirs, d)
				w.fs.Remove(d)
			}
		}
	}
	wf.sources = src
	return errors.Join(errs...)
}

// run reads the file events; once none has come for debounce after one
// that concerns some functions, it kicks their builders.
func (w *watcher) run() {
	timer := time.NewTimer(debounce)
	timer.Stop()
	due := map[*watchedFunction]bool{}
	for {
		select {
		case <-w.ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if affected := w.affected(ev.Name); len(affected) > 0 {
				w.log.Debug("source changed", "file", ev.Name, "op", ev.Op.String())
				for _, wf := range affected {
					due[wf] = true
				}
				timer.Reset(debounce)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.log.Warn("watching the functions' sources", "error", err)
		case <-timer.C:
			for wf := range due {
				select {
				case wf.kick <- struct{}{}:
				default: // a rebuild is due already
				}
			}
			clear(due)
		}
	}
}

// affected returns the functions built from path.
func (w *watcher) affected(path string) []*watchedFunction {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*watchedFunction
	for _, wf := range w.funcs {
		if wf.sources.has(path) {
			out = append(out, wf)
		}
	}
	return out
}

// builder rebuilds wf each time it is kicked, one build at a time: a
// change during a build kicks it again.
func (w *watcher) builder(wf *watchedFunction) {
	for {
		select {
		case <-w.ctx.Done():
			return
		case <-wf.kick:
			w.rebuild(wf)
		}
	}
}

// rebuild reloads wf from its sources, finds its sources again (its
// imports may have changed) and records the outcome.
func (w *watcher) rebuild(wf *watchedFunction) {
	w.log.Info("sources changed: rebuilding", "function", wf.name)
	start := time.Now()
	err := wf.inv.Reload(w.ctx)
	if w.ctx.Err() != nil {
		return // stopping
	}
	st := BuildStatus{Function: wf.name, OK: err == nil, Time: time.Now(), DurationMs: msSince(start), Generation: wf.inv.Stats().Generation}
	if err != nil {
		st.Error = buildText(err)
		w.report(wf.name, st)
	}
	defer w.builds.set(st) // once the watch is up to date
	src, lerr := listSources(w.ctx, wf.dir)
	if lerr == nil {
		if err != nil {
			// Code that does not compile may hide imports (a syntax
			// error hides them all): keep watching the packages of the
			// last build too.
			src = src.union(w.sourcesOf(wf))
		}
		lerr = w.setSources(wf, src)
	}
	if lerr != nil && w.ctx.Err() == nil {
		w.log.Warn("the function's sources could not be listed again: the watch goes on with those listed before", "function", wf.name, "error", lerr)
	}
}

func (w *watcher) sourcesOf(wf *watchedFunction) sources {
	w.mu.Lock()
	defer w.mu.Unlock()
	return wf.sources
}

// report tells of a failed rebuild: in the log and, with the compiler's
// output as it printed it, in Config.BuildOutput.
func (w *watcher) report(name string, st BuildStatus) {
	if w.out == nil {
		w.log.Error("rebuild failed: the previous build keeps serving", "function", name, "generation", st.Generation, "error", st.Error)
		return
	}
	w.log.Error("rebuild failed: the previous build keeps serving", "function", name, "generation", st.Generation)
	w.outMu.Lock()
	defer w.outMu.Unlock()
	fmt.Fprintf(w.out, "function %s: rebuild failed, the previous build keeps serving:\n\t%s\n",
		name, strings.ReplaceAll(strings.TrimSpace(st.Error), "\n", "\n\t"))
}

// buildText is what a failed Reload says: the compiler's output for a
// build error.
func buildText(err error) string {
	if be, ok := errors.AsType[*fcinvoker.BuildError](err); ok && be.Output != "" {
		return be.Output
	}
	return err.Error()
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// stop ends the watch and waits for a rebuild under way to give up.
func (w *watcher) stop() {
	w.cancel()
	w.fs.Close()
	w.wg.Wait()
}
