package stack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// startFunctions builds and starts each function and adds its triggers to
// the bridge.
func (s *Stack) startFunctions(ctx context.Context, cfg Config) error {
	var fns []*syaml.Function
	for _, f := range cfg.Project.Functions {
		if cfg.Functions == nil || slices.Contains(cfg.Functions, f.Name) {
			fns = append(fns, f)
		}
	}
	s.warnNoLocalEffect(cfg.Project, fns)
	for i, f := range fns {
		start := time.Now()
		done := s.buildProgress(f.Name, i+1, len(fns))
		inv, err := fcinvoker.Start(ctx, s.Function(f), fcinvoker.Options{
			Logger: s.log, Region: cfg.Region, AccountID: cfg.AccountID,
			Credentials: s.creds, ExtraEnv: s.FunctionEnv(),
		})
		done(err)
		if err != nil {
			return fmt.Errorf("function %s: %w", f.Name, err)
		}
		s.Invokers[f.Name] = inv
		s.builds.set(BuildStatus{Function: f.Name, OK: true, Time: time.Now(), DurationMs: msSince(start), Generation: 1})
		for _, t := range f.Triggers {
			if !t.Enabled {
				s.log.Info("trigger disabled in s.yaml (triggerEnable: false)", "function", f.Name, "trigger", t.Name)
				continue
			}
			if t.Type == "tablestore" && t.Tablestore != nil {
				if s.Tablestore == nil {
					s.log.Warn("tablestore trigger not run locally: with an external Tablestore, the cloud's own trigger reads its streams",
						"function", f.Name, "trigger", t.Name, "table", t.Tablestore.Table)
					continue
				}
				if err := s.addTablestoreTrigger(cfg, f.Name, t, inv); err != nil {
					return err
				}
				continue
			}
			if runsRabbitMQ(t) {
				if err := s.addRabbitTrigger(f, t, cfg, inv); err != nil {
					return fmt.Errorf("function %s, trigger %s (s.yaml:%d): %w", f.Name, t.Name, t.Line, err)
				}
				continue
			}
			if !runsLocally(t) {
				s.log.Warn("trigger not run locally: only EventBridge triggers with a RocketMQ or RabbitMQ source are", "function", f.Name, "trigger", t.Name, "type", t.Type)
				continue
			}
			if err := s.Bridge.Add(trigger(t, cfg), sink{inv}); err != nil {
				if s.Cluster != nil && errors.Is(err, broker.ErrTopicNotExist) {
					err = fmt.Errorf("%w (the cluster at %s has no topic %s: create it there; rocketfn dev declares none on a cluster)",
						err, strings.Join(s.RocketMQNameServers, ","), clusterName(t.Instance, t.Topic))
				}
				return fmt.Errorf("function %s, trigger %s (s.yaml:%d): %w", f.Name, t.Name, t.Line, err)
			}
		}
	}
	return nil
}

// progressEvery is how often a build still running is reported.
const progressEvery = 10 * time.Second

// buildProgress logs the start of the n-th of total builds, then every
// progressEvery that it is still running (a first build downloads and
// compiles every dependency), until the returned function reports its
// end with the time it took.
func (s *Stack) buildProgress(name string, n, total int) func(error) {
	start := time.Now()
	s.log.Info("building function", "function", name, "n", fmt.Sprintf("%d/%d", n, total))
	stop := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				s.log.Info("still building function", "function", name, "elapsed", time.Since(start).Round(time.Second))
			}
		}
	}()
	return func(err error) {
		close(stop)
		<-ended
		if err == nil {
			s.log.Info("function built", "function", name, "elapsed", time.Since(start).Round(time.Millisecond))
		}
	}
}

// Function is the FC function the stack runs for an s.yaml function,
// built from its source.
func (s *Stack) Function(f *syaml.Function) fcinvoker.Function {
	fn := fcinvoker.Function{
		Name: f.Name, Handler: f.Handler, Command: f.Command, Dir: sourceDir(f), Build: true, Port: f.Port, Env: f.Env,
		Timeout: f.Timeout, MemoryMB: f.MemoryMB, InstanceConcurrency: f.InstanceConcurrency,
	}
	if f.Initializer != nil {
		fn.Initializer, fn.InitializationTimeout = true, f.Initializer.Timeout
	}
	if f.PreStop != nil {
		fn.PreStop, fn.PreStopTimeout = true, f.PreStop.Timeout
	}
	return fn
}

// FunctionEnv points functions at the services they use: the local ones,
// or those of Config.TablestoreEndpoint and Config.RocketMQNameServers.
// NAMESRV_ADDR, the name servers Apache RocketMQ clients fall back on
// (separated by ";"), is set when the local RocketMQ serves the remoting
// protocol or the triggers consume from a cluster; MQ_ENDPOINT only when
// the local RocketMQ runs, and MQ_GRPC_ENDPOINT (host:port, the endpoint
// of the 5.x clients) when it serves the 5.x gRPC protocol.
func (s *Stack) FunctionEnv() map[string]string {
	env := map[string]string{
		"TABLESTORE_ENDPOINT": s.TablestoreEndpoint,
		"TABLESTORE_INSTANCE": s.TablestoreInstance,
		"ROCKETFN_LOCAL":      "true",
	}
	if s.MQEndpoint != "" {
		env["MQ_ENDPOINT"] = s.MQEndpoint
	}
	if s.GRPCEndpoint != "" {
		env["MQ_GRPC_ENDPOINT"] = s.GRPCEndpoint
	}
	switch {
	case s.NameServer != "":
		env["NAMESRV_ADDR"] = s.NameServer
	case len(s.RocketMQNameServers) > 0:
		env["NAMESRV_ADDR"] = strings.Join(s.RocketMQNameServers, ";")
	}
	return env
}

// clusterName is the name of a topic or group of an instance in a
// RocketMQ cluster: the instance is the namespace, INSTANCE%NAME.
func clusterName(instance, name string) string {
	if instance == "" {
		return name
	}
	return instance + "%" + name
}

// sourceDir is the Go package a function is built from (syaml.SourceDir),
// or its code directory when none holds Go files, so that the build's
// error names it.
func sourceDir(f *syaml.Function) string {
	if dir := f.SourceDir(); dir != "" {
		return dir
	}
	return f.CodeDir
}

// sink delivers to a function process.
type sink struct{ inv *fcinvoker.Invoker }

func (k sink) Deliver(ctx context.Context, payload []byte, requestID string) (eventbridge.Outcome, error) {
	res, err := k.inv.Invoke(ctx, payload, requestID)
	if err != nil {
		return eventbridge.Outcome{}, err
	}
	if !res.Failed {
		return eventbridge.Outcome{}, nil
	}
	reason := res.ErrorType
	if body := strings.TrimSpace(string(res.Body)); body != "" {
		reason += ": " + body
	}
	return eventbridge.Outcome{Failed: true, Reason: reason}, nil
}
