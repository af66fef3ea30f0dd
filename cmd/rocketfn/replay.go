package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// replayFlags are the flags and arguments of "rocketfn replay".
type replayFlags struct {
	file, function, logLevel string
	asJSON                   bool
	progress                 int
	paths                    []string
}

var replayExamples = map[string]string{
	"function":  "--function players",
	"file":      "--file deploy/s.yaml",
	"json":      "--json (one object with every outcome, for scripts)",
	"progress":  "--progress 10 (a line on stderr every 10 payloads; 0 for none)",
	"log-level": "--log-level info (the function's own log lines too)",
}

// runReplay is the "replay" command: it stops early on SIGINT or SIGTERM,
// reporting the payloads replayed so far.
func runReplay(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return replay(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// replay builds and starts one function of an s.yaml as rocketfn dev
// does, delivers the payload files to it in order and reports each
// outcome. It fails when any payload failed.
func replay(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f, err := parseReplayFlags(args, stderr)
	if err != nil {
		return err
	}
	paths, cleanup, err := stdinPayload(f.paths, stdin)
	if err != nil {
		return err
	}
	defer cleanup()
	files, err := payloadFiles(paths)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevels[f.logLevel]}))
	proj, _, err := loadFunction(f.file, f.function)
	if err != nil {
		return err
	}
	s, err := startFunction(ctx, proj, f.function, log)
	if err != nil {
		return err
	}
	defer closeStack(s, log)
	sink := &progressSink{sink: invokerSink{s.Invokers[f.function]}, w: stderr, every: f.progress, total: len(files), start: time.Now()}
	results, err := eventbridge.Replay(ctx, sink, files...)
	if f.asJSON {
		writeReplayJSON(stdout, results)
	} else {
		writeReplayTable(stdout, results)
		writeReplayDetails(stdout, results)
	}
	if err != nil {
		return fmt.Errorf("stopped after %d of %d payloads: %w", len(results), len(files), err)
	}
	if failed := countFailed(results); failed > 0 {
		return fmt.Errorf("%d of %d payloads failed", failed, len(results))
	}
	return nil
}

func parseReplayFlags(args []string, stderr io.Writer) (replayFlags, error) {
	var f replayFlags
	fs := flag.NewFlagSet("rocketfn replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.function, "function", "", "the `name` (functionName) of the function to replay into (required)")
	fs.StringVar(&f.file, "file", "s.yaml", "the Serverless Devs `file` describing the function")
	fs.BoolVar(&f.asJSON, "json", false, "print the outcomes as JSON")
	fs.IntVar(&f.progress, "progress", 25, "report progress on stderr every `n` payloads of a longer run")
	fs.StringVar(&f.logLevel, "log-level", "warn", "log `level`: debug, info or warn")
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn replay DIR|FILE... --function NAME [flags]

Builds one function of s.yaml and runs it as rocketfn dev does (with an
in-memory local Tablestore and RocketMQ for functions that use them), then
delivers payload files to it one after the other, each exactly as stored,
and prints each outcome: path, request ID, ok or failed, duration, reason.
A directory stands for every *.json file below it except .meta.json
sidecars, in path order: a directory written by rocketfn dev --capture
replays per trigger in invocation order, under the captured request IDs.
- reads one payload from standard input. After the table come the
function's answer to each payload and each failure's whole reason, as
indented JSON when they are JSON. The exit status is 1 when any payload
failed.
`, replayExamples, `
Examples:

  rocketfn replay testdata/captured --function players
  rocketfn generate-event --topic players --body '{"id":"1"}' | rocketfn replay - --function players
  rocketfn replay fixtures/order-created.json fixtures/order-paid.json --function orders --json
  rocketfn replay testdata/captured/players-rocketmq --function players --file deploy/s.yaml --progress 100
`)
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return f, err
	}
	f.paths = paths
	switch {
	case f.function == "":
		return f, usagef("--function is required")
	case len(f.paths) == 0:
		return f, usagef("name the payload files or directories to replay")
	case f.progress < 0:
		return f, usagef("--progress %d is negative", f.progress)
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return f, usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	return f, nil
}

// parseInterspersed parses args with fs, allowing arguments between the
// flags, and returns those arguments. Everything after "--" is one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{fmt.Errorf("%w: %v", errFlagParse, err)}
		}
		left := fs.Args()
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), nil
		}
		if len(left) == 0 {
			return rest, nil
		}
		rest, args = append(rest, left[0]), left[1:]
	}
}

// stdinPayload replaces a "-" among paths by a file holding what stdin
// holds, in a temporary directory that cleanup removes.
func stdinPayload(paths []string, stdin io.Reader) (files []string, cleanup func(), err error) {
	cleanup = func() {}
	i := slices.Index(paths, "-")
	if i < 0 {
		return paths, cleanup, nil
	}
	if slices.Index(paths[i+1:], "-") >= 0 {
		return nil, cleanup, usagef("- (standard input) can be named once")
	}
	b, err := io.ReadAll(io.LimitReader(stdin, maxStdinPayload+1))
	switch {
	case err != nil:
		return nil, cleanup, fmt.Errorf("read the payload from standard input: %w", err)
	case len(b) > maxStdinPayload:
		return nil, cleanup, fmt.Errorf("the payload on standard input is over %d MB, FC's limit", maxStdinPayload>>20)
	case len(bytes.TrimSpace(b)) == 0:
		return nil, cleanup, usagef("standard input (-) is empty: pipe a payload in, such as rocketfn generate-event --topic T | rocketfn replay - --function F")
	}
	dir, err := os.MkdirTemp("", "rocketfn-replay-")
	if err != nil {
		return nil, cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	file := filepath.Join(dir, "stdin.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		cleanup()
		return nil, func() {}, err
	}
	out := slices.Clone(paths)
	out[i] = file
	return out, cleanup, nil
}

// maxStdinPayload is FC's limit on a synchronous invocation's payload.
const maxStdinPayload = 32 << 20

// payloadFiles expands paths as eventbridge.Replay does: a file stands
// for itself, a directory for its payload files in path order.
func payloadFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && !strings.HasSuffix(path, ".meta.json") {
				found = append(found, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s holds no payload files (*.json)", p)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

// loadFunction reads the s.yaml file and finds the function name in it.
func loadFunction(file, name string) (*syaml.Project, *syaml.Function, error) {
	proj, err := syaml.Load(file)
	if err != nil {
		return nil, nil, err
	}
	fn := proj.Function(name)
	if fn == nil {
		var names []string
		for _, fn := range proj.Functions {
			names = append(names, fn.Name)
		}
		return nil, nil, fmt.Errorf("%s has no function %q (it has %s)", file, name, strings.Join(names, ", "))
	}
	return proj, fn, nil
}

// startFunction builds and starts the function name of proj, alone, with
// the local services the stack gives it.
func startFunction(ctx context.Context, proj *syaml.Project, name string, log *slog.Logger) (*stack.Stack, error) {
	return stack.Start(ctx, stack.Config{Project: proj, Functions: []string{name}, Logger: log})
}

// closeStack stops the function and the local services.
func closeStack(s *stack.Stack, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		log.Warn("stopping the function", "err", err)
	}
}

// invokerSink delivers payloads to a function's invoker, a function error
// becoming a failed outcome with its type and answer as the reason.
type invokerSink struct{ inv *fcinvoker.Invoker }

func (k invokerSink) Deliver(ctx context.Context, payload []byte, requestID string) (eventbridge.Outcome, error) {
	res, err := k.inv.Invoke(ctx, payload, requestID)
	if err != nil {
		return eventbridge.Outcome{}, err
	}
	if !res.Failed {
		return eventbridge.Outcome{Response: res.Body}, nil
	}
	return eventbridge.Outcome{Failed: true, Reason: strings.TrimSpace(res.ErrorType + ": " + string(res.Body)), Response: res.Body}, nil
}

// progressSink passes payloads on to sink and, for runs of more than
// every payloads, reports progress every that many.
type progressSink struct {
	sink         eventbridge.Sink
	w            io.Writer
	every, total int
	done, failed int
	start        time.Time
}

func (p *progressSink) Deliver(ctx context.Context, payload []byte, requestID string) (eventbridge.Outcome, error) {
	out, err := p.sink.Deliver(ctx, payload, requestID)
	p.done++
	if err != nil || out.Failed {
		p.failed++
	}
	if p.every > 0 && p.total > p.every && (p.done%p.every == 0 || p.done == p.total) {
		fmt.Fprintf(p.w, "replayed %d/%d payloads, %d failed, %s\n", p.done, p.total, p.failed, time.Since(p.start).Round(time.Millisecond))
	}
	return out, err
}
