package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// verifyFlags are the flags of "rocketfn verify".
type verifyFlags struct {
	file          string
	asJSON        bool
	messageSize   int
	accountID     string
	routesTimeout time.Duration
}

var verifyExamples = map[string]string{
	"file":           "--file deploy/s.yaml",
	"json":           "--json (for editors and CI)",
	"message-size":   "--message-size 65536 (messages of 64 KB)",
	"routes-timeout": "--routes-timeout 30s (a function whose main is slow to start its App)",
}

// runVerify is the "verify" command: it checks s.yaml against the code
// and the platform's limits, and fails when it finds errors.
func runVerify(args []string) error { return verify(args, os.Stdout, os.Stderr) }

func verify(args []string, stdout, stderr io.Writer) error {
	f, err := parseVerifyFlags(args, stderr)
	if err != nil {
		return err
	}
	findings, err := verifyFile(context.Background(), f.file, f)
	if err != nil {
		return err
	}
	errs := 0
	for _, fd := range findings {
		if fd.Severity == "error" {
			errs++
		}
	}
	if f.asJSON {
		err = printFindingsJSON(stdout, f.file, findings, errs)
	} else {
		err = printFindings(stdout, f.file, findings, errs)
	}
	if err != nil {
		return err
	}
	if errs > 0 {
		return fmt.Errorf("%s: %d error(s)", f.file, errs)
	}
	return nil
}

// printFindings prints one line per finding, "s.yaml:42: error: key:
// message", then a count.
func printFindings(w io.Writer, file string, findings []finding, errs int) error {
	for _, fd := range findings {
		key := ""
		if fd.Key != "" {
			key = fd.Key + ": "
		}
		if _, err := fmt.Fprintf(w, "%s:%d: %s: %s%s\n", file, fd.Line, fd.Severity, key, fd.Message); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%s: %d error(s), %d warning(s)\n", file, errs, len(findings)-errs)
	return err
}

// printFindingsJSON prints the findings as one JSON object.
func printFindingsJSON(w io.Writer, file string, findings []finding, errs int) error {
	if findings == nil {
		findings = []finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		File     string    `json:"file"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
		Findings []finding `json:"findings"`
	}{file, errs, len(findings) - errs, findings})
}

func parseVerifyFlags(args []string, stderr io.Writer) (verifyFlags, error) {
	var f verifyFlags
	fs := flag.NewFlagSet("rocketfn verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.file, "file", "s.yaml", "the Serverless Devs `file` to check")
	fs.BoolVar(&f.asJSON, "json", false, "print the findings as JSON")
	fs.IntVar(&f.messageSize, "message-size", 4<<10, "expected message body `bytes`, for the payload limits")
	fs.DurationVar(&f.routesTimeout, "routes-timeout", defaultRoutesTimeout, "how long each function has to report its routes once built")
	accountFlag(fs, &f.accountID, os.Getenv)
	fs.Usage = func() { verifyUsage(fs) }
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	if err := checkAccountID(f.accountID); err != nil {
		return f, err
	}
	if f.routesTimeout <= 0 {
		return f, usagef("--routes-timeout %v: want a positive duration", f.routesTimeout)
	}
	if f.messageSize < 0 || f.messageSize > 4<<20 {
		return f, usagef("--message-size %d: want 0 to 4194304 (RocketMQ's 4 MB message limit)", f.messageSize)
	}
	return f, nil
}

// verifyUsage prints the command's help, with what is checked.
func verifyUsage(fs *flag.FlagSet) {
	printUsage(fs, `Usage: rocketfn verify [flags]

Checks an s.yaml against the functions' routes and the limits of Function
Compute and EventBridge, printing each finding at its line:

  s.yaml:42: error: resources.audit.props.triggers[0].triggerConfig.runOptions.mode: ...

It exits 1 when there are errors; warnings alone exit 0. Each Go function
is built for this machine and run with ROCKETFN_ROUTES=1, which makes the
App print its routes (topic, tags, handler kind) and exit instead of
serving; it gets its environmentVariables. A function that does not
answer within --routes-timeout, or exits without the report (a runtime
older than the report, a main that fails before it starts the App), is an
error. Checked:

  - the file as rocketfn dev reads it: types, ranges (instanceConcurrency
    1-200, CountBasedWindow 1-10000, TimeBasedWindow 0-15 s), required
    keys, unknown keys and unresolved references;
  - fc3 function keys the component does not know;
  - the runtime runs a Go binary (custom.* or go1); customRuntimeConfig.port
    set and the command under /code;
  - the code directory, or the Go source above it, exists, and builds;
  - every topic and tag a RocketMQ trigger delivers has a route (else its
    messages fail with fn.ErrNoRoute), and every route of a named topic
    has a trigger;
  - a batch handler (HandleBatch: fn.TypedBatch, fn.TypedItems) the
    trigger's messages reach is behind an event-streaming trigger, not an
    event-driven one;
  - the code does not read CloudEvent attributes (m.Event.*) under the
    RawData schema, from the syntax of the package's Go files;
  - the timeout exceeds the batch window (TimeBasedWindow);
  - an event, and a full batch, of --message-size messages against the
    payload limits: 32 MB synchronous, 128 KB asynchronous;
  - errorsTolerance ALL has a dead-letter queue; NONE stops the trigger.
`, verifyExamples, `
Examples:

  rocketfn verify
  rocketfn verify --file deploy/s.yaml --json
  rocketfn verify --message-size 65536
`)
}
