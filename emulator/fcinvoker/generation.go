package fcinvoker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// A generation is one build of the function (or one take of its command)
// and the instances that run it. Start makes the first; each Reload makes
// the next and retires the one before, which drains.
type generation struct {
	n    int64
	cmd  []string // command line of its instances
	dir  string   // where its binary was built; "" when not built
	pool *pool

	ctx    context.Context // aborts its starting instances
	cancel context.CancelFunc

	retired []*instance // its instances when it was retired, set under Invoker.mu
}

// errRetired is what a retired generation's pool answers: the invocation
// goes to the current generation instead.
var errRetired = errors.New("fcinvoker: generation retired")

// newGeneration builds (or resolves) the command of generation n, within
// ctx. Its instances start lazily, or through warm.
func (i *Invoker) newGeneration(ctx context.Context, n int64) (*generation, error) {
	g := &generation{n: n}
	if i.f.Build {
		g.dir = filepath.Join(i.tmp, strconv.FormatInt(n, 10))
		if err := os.Mkdir(g.dir, 0o700); err != nil {
			return nil, fmt.Errorf("fcinvoker: function %q: build directory: %w", i.f.Name, err)
		}
	}
	cmd, err := command(ctx, i.f, g.dir)
	if err != nil {
		g.removeDir()
		return nil, err
	}
	g.cmd = cmd
	g.ctx, g.cancel = context.WithCancel(i.ctx)
	g.pool = newPool(i.f.MaxInstances, i.f.InstanceConcurrency, func(replacement bool) *instance { return i.newInstance(g, replacement) })
	return g, nil
}

// Reload moves the function to a new generation: it builds the binary
// anew into a directory of its own (or, without Function.Build, takes the
// command again), starts one instance of it and waits until that
// instance is ready (initializer included), then sends every new
// invocation to the new generation. Invocations in flight on the previous
// generation finish there; then its instances get GET /pre-stop when
// PreStop is set, SIGTERM and, after Options.StopGrace, SIGKILL, as on
// Close, and its binary is removed. That drain runs in the background
// (Stats.Draining counts its instances); Close waits for it.
//
// When the build fails (a *BuildError with the compiler's output) or the
// new instance does not start (a *StartError) or initialize, Reload
// returns the error and the current generation keeps serving, as if
// Reload had not been called. No invocation fails because of a Reload:
// one waiting for a slot of the previous generation takes one of the new.
// Reloads run one at a time; after Close, Reload returns ErrClosed.
func (i *Invoker) Reload(ctx context.Context) error {
	i.reloadMu.Lock()
	defer i.reloadMu.Unlock()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	defer context.AfterFunc(i.closing, stop)()
	i.mu.Lock()
	closed, n := i.closed, i.gen.n+1
	i.mu.Unlock()
	if closed {
		return ErrClosed
	}
	start := time.Now()
	g, err := i.newGeneration(ctx, n)
	if err != nil {
		return i.reloadError(ctx, err)
	}
	built := time.Since(start)
	if err := i.warm(ctx, g); err != nil {
		i.discard(g)
		return i.reloadError(ctx, err)
	}
	i.mu.Lock()
	if i.closed {
		i.mu.Unlock()
		i.discard(g)
		return ErrClosed
	}
	old := i.gen
	i.gen = g
	old.retired = old.pool.close(errRetired)
	i.draining = append(i.draining, old)
	i.drains.Add(1)
	i.mu.Unlock()
	go i.drain(old)
	i.logger.Info("function reloaded: new invocations go to the new generation", slog.Int64("generation", g.n),
		slog.Duration("build", built), slog.Duration("total", time.Since(start)), slog.Int("draining", len(old.retired)))
	return nil
}

// reloadError is err of a Reload, or ErrClosed when Close cut it short.
func (i *Invoker) reloadError(ctx context.Context, err error) error {
	if i.closing.Err() != nil {
		return ErrClosed
	}
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("fcinvoker: reload function %q: %w (%v)", i.f.Name, ctx.Err(), err)
	}
	return err
}

// warm starts one instance of g and waits until it is ready.
func (i *Invoker) warm(ctx context.Context, g *generation) error {
	inst := g.pool.prestart()
	select {
	case <-inst.ready:
	case <-ctx.Done():
		return fmt.Errorf("fcinvoker: reload function %q: %w", i.f.Name, ctx.Err())
	}
	if inst.bootErr != nil {
		return inst.bootErr
	}
	return nil
}

// discard stops a generation that never served: its instances are
// killed, without pre-stop, and its binary removed.
func (i *Invoker) discard(g *generation) {
	instances := g.pool.close(ErrClosed)
	g.cancel() // aborts instances still starting
	for _, inst := range instances {
		go func() {
			<-inst.ready
			i.lose(inst, "its generation was discarded", false)
		}()
	}
	g.removeDir()
}

// drain waits for the invocations in flight on the retired generation g,
// then stops its instances and removes its binary.
func (i *Invoker) drain(g *generation) {
	defer i.drains.Done()
	if err := g.pool.waitIdle(i.drainCtx); err != nil {
		i.logger.Warn("generation killed before its invocations finished: the invoker is closing", slog.Int64("generation", g.n))
	}
	i.stopAll(i.drainCtx, g.retired)
	g.cancel()
	g.removeDir()
	i.mu.Lock()
	i.draining = slices.DeleteFunc(i.draining, func(d *generation) bool { return d == g })
	i.mu.Unlock()
	i.logger.Info("previous generation stopped", slog.Int64("generation", g.n), slog.Int("instances", len(g.retired)))
}

func (g *generation) removeDir() {
	if g.dir != "" {
		os.RemoveAll(g.dir)
	}
}
