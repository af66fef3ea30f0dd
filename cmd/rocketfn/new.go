package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
	"github.com/rocketfn/rocketfn/templates"
)

// newFlags are the flags of "rocketfn new".
type newFlags struct {
	name, topic, tag, table, template, dir string
}

var newExamples = map[string]string{
	"topic":    "--topic orders",
	"tag":      "--tag 'created||paid'",
	"table":    "--table inventory (with --template tablestore)",
	"template": "--template batch",
	"dir":      "--dir ../shop (the directory holding s.yaml and functions/)",
}

// Names the command accepts: FC function names, RocketMQ topics and
// Tablestore table names.
var (
	functionNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	topicRE        = regexp.MustCompile(`^[A-Za-z0-9_%-]{1,64}$`)
	tableRE        = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,254}$`)
)

// runNew is the "new" command: it renders a template into functions/NAME
// and adds the function and its trigger to s.yaml.
func runNew(args []string) error { return newFunction(args, os.Stdout, os.Stderr) }

func newFunction(args []string, stdout, stderr io.Writer) error {
	f, err := parseNewFlags(args, stderr)
	if err != nil {
		return err
	}
	p, err := planNew(f)
	if err != nil {
		return err
	}
	if err := p.write(); err != nil {
		return err
	}
	p.report(stdout)
	return tidyProject(f.dir, stdout)
}

func parseNewFlags(args []string, stderr io.Writer) (newFlags, error) {
	var f newFlags
	fs := flag.NewFlagSet("rocketfn new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.topic, "topic", "", "RocketMQ `topic` the function consumes (required)")
	fs.StringVar(&f.tag, "tag", "*", "tag `expression` the trigger and the route take: *, A or A||B")
	fs.StringVar(&f.table, "table", "", "Tablestore `table` of the tablestore template (default the function name, - made _)")
	fs.StringVar(&f.template, "template", templates.Names[0], "`template`: "+strings.Join(templates.Names, ", "))
	fs.StringVar(&f.dir, "dir", ".", "project `directory`: s.yaml and functions/ are there")
	fs.Usage = func() { newUsage(fs) }
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		f.name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, err
		}
		return f, usageError{fmt.Errorf("%w: %v", errFlagParse, err)}
	}
	if f.name == "" && fs.NArg() == 1 {
		f.name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return f, usagef("unexpected argument %q", fs.Arg(0))
	}
	return f, checkNewFlags(&f)
}

// checkNewFlags validates the names and fills the table's default.
func checkNewFlags(f *newFlags) error {
	tag, tagErr := tagExpr(f.tag)
	switch {
	case f.name == "":
		return usagef("the function NAME is required: rocketfn new NAME --topic TOPIC")
	case !functionNameRE.MatchString(f.name):
		return usagef("function name %q: want a letter or _ then up to 63 letters, digits, _ or -", f.name)
	case f.topic == "":
		return usagef("--topic is required")
	case !topicRE.MatchString(f.topic):
		return usagef("--topic %q: want 1 to 64 letters, digits, _, - or %%", f.topic)
	case tagErr != nil:
		return usagef("--tag: %v; want *, a tag, or tags joined by ||", tagErr)
	case !slices.Contains(templates.Names, f.template):
		return usagef("--template %q: want one of %s", f.template, strings.Join(templates.Names, ", "))
	case f.table != "" && f.template != "tablestore":
		return usagef("--table applies to --template tablestore only")
	}
	f.tag = tag
	if f.template == "tablestore" && f.table == "" {
		f.table = strings.ReplaceAll(f.name, "-", "_")
	}
	if f.table != "" && !tableRE.MatchString(f.table) {
		return usagef("--table %q: want a letter or _ then letters, digits or _", f.table)
	}
	return nil
}

// tagExpr parses expr with package tagexpr and returns its canonical
// form ("*", or the tags joined by "||" without spaces around them). Its
// error names expr: one tagexpr refuses, or one holding a character the
// generated YAML, Go and comments cannot (a quote, a backslash, a tab or
// a line break).
func tagExpr(expr string) (string, error) {
	e, err := tagexpr.Parse(expr)
	if err != nil {
		return "", err
	}
	if s := e.String(); !strings.ContainsAny(s, "'\"\\\n\r\t") {
		return s, nil
	}
	return "", fmt.Errorf("tag expression %q: a tag holds a quote, a backslash, a tab or a line break, which the generated files cannot", expr)
}

// sampleTag is a tag the sample events carry: the first tag of the
// expression expr, or "sample" when expr takes every tag.
func sampleTag(expr string) string {
	if tags := tagexpr.MustParse(expr).Tags(); len(tags) > 0 {
		return tags[0]
	}
	return "sample"
}

// templateMode is the trigger mode of a template: batches for those that
// gain from them, one event per invocation for basic.
func templateMode(template string) string {
	if template == "basic" {
		return eventbridge.ModeEventDriven
	}
	return eventbridge.ModeEventStreaming
}

// newUsage prints the command's help.
func newUsage(fs *flag.FlagSet) {
	printUsage(fs, `Usage: rocketfn new NAME --topic TOPIC [flags]

Creates the function NAME from a template in functions/NAME (main.go,
handler.go, handler_test.go, doc.go and a sample payload in testdata/), and
adds it to s.yaml with an EventBridge trigger for the RocketMQ topic:
BACKOFF_RETRY, errorsTolerance ALL and a dead-letter queue. The rest of
s.yaml, comments included, is kept as it is; a missing s.yaml is created.
A NAME that s.yaml or functions/ already has is refused.

Templates:

  basic       fn.Typed handler that logs each event; event-driven trigger
  tablestore  typed rows written to Tablestore with coalesced, idempotent writes;
              event-streaming trigger
  batch       fn.TypedBatch handler of whole batches; event-streaming trigger with
              a batch window
  ordered     updates of an ordered topic applied in sharding-key order;
              event-streaming trigger
`, newExamples, `
Examples:

  rocketfn new greeter --topic greetings
  rocketfn new inventory --topic stock --tag 'added||removed' --template tablestore --table stock
  rocketfn new audit --topic audit --template batch
  rocketfn new ledger --topic ledger --template ordered --dir ../shop

Then: go test ./functions/NAME, rocketfn verify, rocketfn dev.
`)
}
