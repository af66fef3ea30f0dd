package fcinvoker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// An Invoker runs the instances of one function and invokes them. It is
// safe for concurrent use.
type Invoker struct {
	f      Function
	o      Options
	tmp    string // build directory, removed by Close; "" if none
	logger *slog.Logger
	logs   *logStore
	client *http.Client

	ctx    context.Context // cancelled by Close: aborts starting instances
	cancel context.CancelFunc
	procs  sync.WaitGroup // instance processes not yet reaped

	// closing is cancelled when Close begins: it aborts a Reload.
	closing     context.Context
	stopReloads context.CancelFunc
	// drainCtx is cancelled when Close's context ends: the generations
	// still draining then stop waiting and kill their instances.
	drainCtx     context.Context
	cancelDrains context.CancelFunc
	drains       sync.WaitGroup // generations draining

	reloadMu sync.Mutex // one Reload at a time
	mu       sync.Mutex
	gen      *generation   // the generation new invocations go to
	draining []*generation // earlier generations not yet stopped
	closed   bool

	closeOnce sync.Once

	invocations, failures, timeouts, crashes, restarts, started, unclean atomic.Int64
}

// Start prepares f for invocation: it builds the binary when f.Build is
// set, within ctx, and checks that the command exists. Instances start
// lazily, as FC cold-starts them: the first invocation that finds no free
// slot starts one, while fewer than f.MaxInstances run.
func Start(ctx context.Context, f Function, o Options) (*Invoker, error) {
	f, err := f.withDefaults()
	if err != nil {
		return nil, err
	}
	i := &Invoker{f: f, o: o.withDefaults()}
	if f.Build {
		if n := removeStaleBuildDirs(); n > 0 {
			i.o.Logger.Info("fcinvoker: removed build directories of processes that no longer run", slog.Int("directories", n))
		}
		if i.tmp, err = newBuildDir(); err != nil {
			return nil, fmt.Errorf("fcinvoker: function %q: build directory: %w", f.Name, err)
		}
	}
	i.logger = i.o.Logger.With(slog.String("function", f.Name))
	i.logs = newLogStore(i.o.LogBytes)
	i.client = newClient(f.InstanceConcurrency)
	i.ctx, i.cancel = context.WithCancel(context.Background())
	i.closing, i.stopReloads = context.WithCancel(context.Background())
	i.drainCtx, i.cancelDrains = context.WithCancel(context.Background())
	if i.gen, err = i.newGeneration(ctx, 1); err != nil {
		i.cancel()
		i.stopReloads()
		i.cancelDrains()
		i.removeBuild()
		return nil, err
	}
	return i, nil
}

func newClient(conc int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil, // instances are on loopback
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: conc,
		DisableCompression:  true,
	}}
}

// newInstance makes an instance of generation g and starts it in the
// background.
func (i *Invoker) newInstance(g *generation, replacement bool) *instance {
	inst := &instance{id: newInstanceID(), gen: g, ready: make(chan struct{}), exited: make(chan struct{})}
	i.started.Add(1)
	if replacement {
		i.restarts.Add(1)
	}
	go i.boot(inst)
	return inst
}

// boot starts inst's process, waits until it accepts connections and runs
// the initializer; when any of that fails, inst is lost and bootErr says why.
func (i *Invoker) boot(inst *instance) {
	defer close(inst.ready)
	i.logger.Info("starting instance", slog.String("instance", inst.id), slog.Int64("generation", inst.gen.n), slog.Any("command", inst.gen.cmd))
	err := inst.gen.ctx.Err()
	if err == nil {
		err = i.startProcess(inst)
	}
	if err == nil {
		err = i.waitListening(inst)
	}
	if err != nil {
		inst.bootErr, inst.bootType = i.startError(inst, err), ErrorNotStarted
		i.lose(inst, inst.bootErr.Error(), false)
		return
	}
	if i.f.Initializer {
		if err := i.initialize(inst); err != nil {
			inst.bootErr, inst.bootType = err, ErrorInitialization
			i.lose(inst, err.Error(), false)
		}
	}
}

// lose takes inst out of service after a failure and kills it; the next
// invocation that needs an instance starts a replacement. crash counts it
// in Stats.Crashes. Only the first call for an instance has effect, and
// none after stop.
func (i *Invoker) lose(inst *instance, why string, crash bool) {
	inst.claimed.Do(func() {
		inst.gen.pool.remove(inst, true)
		if crash {
			i.crashes.Add(1)
		}
		inst.kill()
		i.logger.Warn("instance lost", slog.String("instance", inst.id), slog.String("reason", why))
	})
}

// Logs returns the lines the function wrote for request requestID,
// including FC's Start and End markers, or nil if none are kept. See the
// package documentation for how lines are attributed.
func (i *Invoker) Logs(requestID string) []byte { return i.logs.get(requestID) }

// Stats returns the counts of what the invoker has done.
func (i *Invoker) Stats() Stats {
	i.mu.Lock()
	g := i.gen
	draining := 0
	for _, old := range i.draining {
		draining += len(old.retired)
	}
	i.mu.Unlock()
	return Stats{
		Invocations: i.invocations.Load(),
		Failures:    i.failures.Load(),
		Timeouts:    i.timeouts.Load(),
		Crashes:     i.crashes.Load(),
		Restarts:    i.restarts.Load(),
		Started:     i.started.Load(),
		Unclean:     i.unclean.Load(),
		Instances:   g.pool.size() + draining,
		Generation:  g.n,
		Draining:    draining,
	}
}

// current returns the generation new invocations go to.
func (i *Invoker) current() *generation {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.gen
}

// Close stops the function: it refuses new invocations, waits for those
// in flight, then for each instance calls GET /pre-stop when configured,
// sends SIGTERM and, after Options.StopGrace, SIGKILL. Generations still
// draining after a Reload are stopped likewise. When ctx is done it stops
// waiting and kills what still runs. Close removes the built binaries;
// calls after the first return nil.
func (i *Invoker) Close(ctx context.Context) error {
	var err error
	i.closeOnce.Do(func() { err = i.shutdown(ctx) })
	return err
}

func (i *Invoker) shutdown(ctx context.Context) error {
	i.mu.Lock()
	i.closed = true
	g := i.gen
	i.mu.Unlock()
	i.stopReloads()
	i.reloadMu.Lock() // a Reload under way has seen closing and given up
	defer i.reloadMu.Unlock()
	defer context.AfterFunc(ctx, i.cancelDrains)()
	instances := g.pool.close(ErrClosed)
	var errs []error
	if err := g.pool.waitIdle(ctx); err != nil {
		errs = append(errs, fmt.Errorf("fcinvoker: close function %q: invocations still running: %w", i.f.Name, err))
	}
	i.cancel()
	i.stopAll(ctx, instances)
	i.waitDrains(ctx)
	i.cancelDrains()
	i.waitProcesses(ctx)
	i.client.CloseIdleConnections()
	if err := i.removeBuild(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// stopAll stops instances at once.
func (i *Invoker) stopAll(ctx context.Context, instances []*instance) {
	var wg sync.WaitGroup
	for _, inst := range instances {
		wg.Go(func() { i.stop(ctx, inst) })
	}
	wg.Wait()
}

// stop runs the pre-stop hook of inst, then terminates it.
func (i *Invoker) stop(ctx context.Context, inst *instance) {
	<-inst.ready
	claimed := false
	inst.claimed.Do(func() { claimed = true })
	if !claimed {
		return // lost already
	}
	inst.gen.pool.remove(inst, false)
	if i.f.PreStop {
		i.preStop(ctx, inst)
	}
	switch killed := inst.terminate(ctx, i.o.StopGrace); {
	case killed:
		i.unclean.Add(1)
		i.logger.Warn("instance killed: it did not exit after SIGTERM", slog.String("instance", inst.id), slog.Duration("grace", i.o.StopGrace))
	case inst.exitErr != nil:
		i.unclean.Add(1)
		i.logger.Warn("instance stopped uncleanly", slog.String("instance", inst.id), slog.String("exit", exitText(inst.exitErr)))
	}
}

// waitDrains waits until the generations draining have stopped, or ctx
// is done.
func (i *Invoker) waitDrains(ctx context.Context) {
	done := make(chan struct{})
	go func() { i.drains.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// waitProcesses waits until every process is reaped, or ctx is done.
func (i *Invoker) waitProcesses(ctx context.Context) {
	done := make(chan struct{})
	go func() { i.procs.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func (i *Invoker) removeBuild() error {
	if i.tmp == "" {
		return nil
	}
	if err := os.RemoveAll(i.tmp); err != nil {
		return fmt.Errorf("fcinvoker: function %q: remove build directory: %w", i.f.Name, err)
	}
	return nil
}
