package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// captureFlags are the flags of "rocketfn capture".
type captureFlags struct {
	from, out, redact string
	credentials       bool
	patterns          valuePatterns
}

var captureExamples = map[string]string{
	"from":               "--from testdata/captured (written by rocketfn dev --capture)",
	"out":                "--out testdata/fixtures",
	"redact":             "--redact data.body.password,aliyunaccountid",
	"redact-pattern":     `--redact-pattern 'card=(?P<card>[0-9]{16})' (card=4111111111111111 becomes card=<redacted:card>)`,
	"redact-credentials": "--redact-credentials=false (keep them)",
}

// capturedPayload is one payload and where it came from.
type capturedPayload struct {
	source     string // the file, or file:line
	label      string // part of the fixture's name: the trigger
	data       []byte
	sidecar    *captureSidecar // the capture directory's metadata, when there is one
	deliveries []delivery      // after mergeDeliveries: this payload's deliveries
}

// runCapture is the "capture" command.
func runCapture(args []string) error { return capture(args, os.Stdout, os.Stderr) }

// capture turns captured payloads into fixtures: one JSON file per
// payload in --out, redacted, with names that depend only on the input.
func capture(args []string, stdout, stderr io.Writer) error {
	f, err := parseCaptureFlags(args, stderr)
	if err != nil {
		return err
	}
	payloads, problems, err := payloadsFromDir(f.from)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "rocketfn capture: skipped %s\n", p)
	}
	if len(payloads) == 0 && len(problems) == 0 {
		return fmt.Errorf("no payloads found in %s", f.from)
	}
	payloads = mergeDeliveries(payloads)
	if err := writeFixtures(f.out, payloads, newCaptureRedactor(f.redact, f.credentials, f.patterns), stdout); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d payloads could not be read", len(problems))
	}
	return nil
}

func parseCaptureFlags(args []string, stderr io.Writer) (captureFlags, error) {
	var f captureFlags
	fs := flag.NewFlagSet("rocketfn capture", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.from, "from", "", "a capture `directory` (rocketfn dev --capture)")
	fs.StringVar(&f.out, "out", "", "`directory` to write the fixtures to (required)")
	fs.StringVar(&f.redact, "redact", "", "comma-separated JSON `paths` whose values become \"REDACTED\"")
	fs.Var(&f.patterns, "redact-pattern", "a regular `expression` (Go syntax) whose matches become <redacted:pattern> wherever they are; repeatable; a group (...) limits the replacement to its text, a named group (?P<name>...) names it <redacted:name>")
	fs.BoolVar(&f.credentials, "redact-credentials", true, "also redact members named like credentials (password, secret, token, accessKey...) and values that look like Alibaba Cloud AccessKey IDs, STS tokens and AccessKey secrets")
	fs.Usage = func() { printUsage(fs, captureIntro, captureExamples, captureOutro) }
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	switch {
	case f.from == "":
		return f, usagef("--from is required")
	case f.out == "":
		return f, usagef("--out is required")
	case f.from != "" && within(f.out, f.from):
		return f, usagef("--out %s is inside --from %s", f.out, f.from)
	}
	return f, nil
}

const captureIntro = `Usage: rocketfn capture --from DIR --out DIR [flags]

Turns captured invocation payloads into test fixtures: one JSON file per
event in --out, named NNNN-<trigger>-<hash>.json in capture order (the
same input always gives the same names), each payload unchanged except for
the redacted values. rocketfn replay and fn.App.Invoke take the fixtures as
they are.

--from reads a directory written by rocketfn dev --capture. A payload
delivered several times (EventBridge retrying a failed invocation with the
same events, as the .meta.json sidecars' eventIds show) becomes one
fixture, whose NNNN-<trigger>-<hash>.meta.json lists every delivery:
request ID, attempt, time, and whether and why it failed. Payload files
without a sidecar are merged when their bytes are the same.

Members are redacted by name: their values become "REDACTED". --redact
paths name members by their keys (data.body.password); a path matches
every member whose key path ends with it, in each event of a batch and
inside message bodies that hold JSON or base64 of JSON. Members named like
credentials (password, secret, token, api key, access key, signature...)
are redacted too unless --redact-credentials=false.

Values are redacted by what they look like, wherever they are: in member
names and values, in message bodies as text, in the JSON that strings hold
and in base64 of JSON or of text (encoded again as it was, in the same
alphabet and padding). Each match becomes a placeholder saying what was
there. Unless --redact-credentials=false:

	LTAI... AccessKey IDs                       <redacted:access-key-id>
	STS.... STS AccessKey IDs                   <redacted:sts-access-key-id>
	CAIS... STS security tokens                 <redacted:sts-token>
	30-character AccessKey secrets after a name
	(AccessKeySecret=..., access_key_secret: ...,
	"accessKeySecret":"...", --secret-key ...)  <redacted:access-key-secret>

and the matches of every --redact-pattern, a regular expression in Go's
syntax (https://pkg.go.dev/regexp/syntax; quote it for the shell). The
whole match is replaced, or only the text of the first group when the
expression has groups; a named group (?P<name>...) names the placeholder:

	--redact-pattern 'ORD-[0-9]{8}'              ORD-12345678 -> <redacted:pattern>
	--redact-pattern 'card=(?P<card>[0-9]{16})'  card=4111111111111111 -> card=<redacted:card>

Placeholders are never redacted again, so capturing a fixture again
changes nothing. Base64 of binary data is left as it is.
`

const captureOutro = `
Examples:

  rocketfn capture --from testdata/captured --out testdata/fixtures
  rocketfn capture --from testdata/captured --out fixtures --redact data.body.email,aliyunaccountid
  rocketfn capture --from testdata/captured --out testdata/orders --redact-pattern '(?i)bearer (?P<bearer>\S+)'
`

// within reports whether dir is base or inside it.
func within(dir, base string) bool {
	d, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	b, err := filepath.Abs(base)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(b, d)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// payloadsFromDir reads the payload files below dir in path order,
// labelled with their directory (the trigger, in a capture directory).
func payloadsFromDir(dir string) ([]capturedPayload, []string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && !strings.HasSuffix(path, ".meta.json") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(files)
	var payloads []capturedPayload
	var problems []string
	for _, path := range files {
		data, err := os.ReadFile(path)
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case !json.Valid(data):
			problems = append(problems, path+": not JSON")
		default:
			sidecar, err := readSidecar(path)
			if err != nil {
				problems = append(problems, path+": its .meta.json: "+err.Error())
				continue
			}
			rel, _ := filepath.Rel(dir, filepath.Dir(path))
			payloads = append(payloads, capturedPayload{source: path, label: rel, data: data, sidecar: sidecar})
		}
	}
	return payloads, problems, nil
}

// writeFixtures redacts the payloads and writes them to dir, listing each
// on w.
func writeFixtures(dir string, payloads []capturedPayload, r *captureRedactor, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	width := max(4, len(strconv.Itoa(len(payloads))))
	total := 0
	for i, p := range payloads {
		data, n := r.redact(p.data)
		path := filepath.Join(dir, fixtureName(i+1, width, p.label, data))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		if m := p.meta(); m != nil {
			b, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return err
			}
			b, k := r.redact(b) // reasons and errors can quote the payload
			n += k
			if err := os.WriteFile(strings.TrimSuffix(path, ".json")+".meta.json", append(b, '\n'), 0o644); err != nil {
				return err
			}
		}
		retries := ""
		if d := len(p.deliveries); d > 1 {
			retries = fmt.Sprintf(", %d deliveries (%d failed)", d, failedDeliveries(p.deliveries))
		}
		fmt.Fprintf(w, "%s  from %s, %d redacted%s\n", path, p.source, n, retries)
		total += n
	}
	fmt.Fprintf(w, "%d fixtures in %s, %d values redacted\n", len(payloads), dir, total)
	return nil
}

// fixtureName is NNNN-<label>-<hash>.json: the payload's position, its
// label made safe for a file name, and a hash of its content.
func fixtureName(n, width int, label string, data []byte) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, label)
	if label == "." || label == "" {
		safe = ""
	} else {
		safe += "-"
	}
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%0*d-%s%x.json", width, n, safe, sum[:6])
}
