package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// A command is one subcommand: "rocketfn <name> [flags]".
type command struct {
	// name is the word that selects the command.
	name string
	// summary is the one-line description shown by "rocketfn help".
	summary string
	// run parses the arguments after the name and runs the command. A
	// flag.ErrHelp or a usageError it returns sets the exit status.
	run func(args []string) error
}

// commands is the command table; each command is defined in its own file.
var commands = []command{
	{name: "init", summary: "create a project in a new directory: go.mod, s.yaml, a first function, README, .gitignore", run: runInit},
	{name: "new", summary: "create a function from a template and add it with its trigger to s.yaml", run: runNew},
	{name: "dev", summary: "run the local stack s.yaml describes: RocketMQ, Tablestore, EventBridge and the functions", run: runDev},
	{name: "tablestore", summary: "serve a local Tablestore instance", run: runTablestore},
	{name: "mq", summary: "serve a local RocketMQ instance (MQ HTTP protocol)", run: runMQ},
	{name: "send", summary: "publish one RocketMQ message, locally or to the cloud", run: runSend},
	{name: "invoke", summary: "build one function, run it as FC runs it and deliver one payload: prints the answer, its logs and the duration", run: runInvoke},
	{name: "replay", summary: "deliver captured or fixture payloads to one function, built and run as FC runs it, and report each outcome", run: runReplay},
	{name: "capture", summary: "turn payloads captured by rocketfn dev --capture into redacted JSON fixtures", run: runCapture},
	{name: "generate-event", summary: "print a sample payload as Function Compute receives it from a RocketMQ trigger", run: runGenerateEvent},
	{name: "verify", summary: "check s.yaml against the functions' code and the platform's limits", run: runVerify},
	{name: "build", summary: "cross-compile the functions for Function Compute (linux/amd64) into their code directories", run: runBuild},
	{name: "tables", summary: "list the tables of a Tablestore instance, or print the rows of one", run: runTables},
	{name: "version", summary: "print the version of rocketfn and the VCS revision it was built from", run: runVersion},
}

// usageError is a command line the command cannot run: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the command named by args[0] and returns the exit status.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(rest, stdout, stderr)
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "rocketfn: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	return exitStatus(cmd.name, cmd.run(rest), stderr)
}

// help prints the usage of rocketfn, or of the command named in args.
func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return 0
	}
	cmd, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "rocketfn help: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return exitStatus(cmd.name, cmd.run([]string{"-h"}), stderr)
}

// exitStatus reports err, the result of the named command, and returns
// the exit status it calls for.
func exitStatus(name string, err error, stderr io.Writer) int {
	var uerr usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &uerr):
		// The flag package has already printed flag errors and the usage.
		if !errors.Is(err, errFlagParse) {
			fmt.Fprintf(stderr, "rocketfn %s: %v\n", name, err)
			fmt.Fprintf(stderr, "Run 'rocketfn help %s' for usage.\n", name)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "rocketfn %s: %v\n", name, err)
		return 1
	}
}

// errFlagParse marks a usageError whose message the flag package has
// already printed.
var errFlagParse = errors.New("invalid flags")

// parseFlags parses args with fs and rejects positional arguments. Errors
// are usageErrors, except flag.ErrHelp for -h.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{fmt.Errorf("%w: %v", errFlagParse, err)}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage prints the list of commands to w.
func usage(w io.Writer) {
	fmt.Fprint(w, "rocketfn runs local emulators of the services a rocketfn function uses.\n\n")
	fmt.Fprint(w, "Usage:\n\n\trocketfn <command> [flags]\n\trocketfn help [command]\n\nCommands:\n\n")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "\t%s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'rocketfn help <command>' for a command's flags and examples.\n")
}

// printUsage prints a command's help: intro, each flag with its default
// and an example, then outro.
func printUsage(fs *flag.FlagSet, intro string, examples map[string]string, outro string) {
	w := fs.Output()
	fmt.Fprint(w, intro+"\nFlags:\n\n")
	fs.VisitAll(func(fl *flag.Flag) {
		arg, usage := flag.UnquoteUsage(fl)
		fmt.Fprintf(w, "  %s\n\t%s", strings.TrimSpace("--"+fl.Name+" "+arg), usage)
		if fl.DefValue != "" && fl.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", fl.DefValue)
		}
		if ex := examples[fl.Name]; ex != "" {
			fmt.Fprintf(w, "\n\texample: %s", ex)
		}
		fmt.Fprintln(w)
	})
	fmt.Fprint(w, outro)
}
