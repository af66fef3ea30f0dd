package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// nameList collects repeated --topic or --group INSTANCE/NAME flags.
type nameList []stack.Name

func (l *nameList) String() string {
	var s []string
	for _, n := range *l {
		s = append(s, n.String())
	}
	return strings.Join(s, ",")
}

func (l *nameList) Set(s string) error {
	n, err := stack.ParseName(s)
	if err != nil {
		return err
	}
	*l = append(*l, n)
	return nil
}

// instances are the instances of the names.
func (l nameList) instances() []string {
	var out []string
	for _, n := range l {
		out = append(out, n.Instance)
	}
	return out
}

// checkRetention checks a --retention value.
func checkRetention(d time.Duration) error {
	if d <= 0 {
		return usagef("--retention %v: want a positive duration such as 72h or 168h", d)
	}
	return nil
}

// triggerInstance is the instance from which s.yaml's triggers consume
// topic, for a message or a reset that names no instance: "" when no
// trigger consumes it, or when file is the default and does not exist.
func triggerInstance(file string, fileSet bool, topic string) (string, error) {
	proj, err := syaml.Load(file)
	if err != nil {
		if !fileSet && errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("the instance of topic %s from %s (or give --instance): %w", topic, file, err)
	}
	var instances, triggers []string
	for _, f := range proj.Functions {
		for _, t := range f.Triggers {
			if t.Topic != topic || slices.Contains(instances, t.Instance) {
				continue
			}
			instances = append(instances, t.Instance)
			triggers = append(triggers, fmt.Sprintf("%q (trigger %s, %s:%d)", t.Instance, t.Name, file, t.Line))
		}
	}
	switch len(instances) {
	case 0:
		return "", nil
	case 1:
		return instances[0], nil
	}
	return "", usagef("topic %s is consumed from several instances: %s; give --instance", topic, strings.Join(triggers, ", "))
}

// adminClient calls the backlog and reset-offset API that the RocketMQ
// endpoint of a running rocketfn dev or rocketfn mq serves.
type adminClient struct{ endpoint string }

func (c adminClient) call(method, path string, body, v any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	target := strings.TrimRight(c.endpoint, "/") + path
	req, err := http.NewRequest(method, target, r)
	if err != nil {
		return fmt.Errorf("--endpoint %q: %w", c.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("no local RocketMQ answers at %s (%v): start rocketfn dev or rocketfn mq, or give its --endpoint", c.endpoint, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", target, err)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		return fmt.Errorf("%s answered %s, not the local RocketMQ's API: is %s the endpoint of rocketfn dev or rocketfn mq?", target, resp.Status, c.endpoint)
	}
	if resp.StatusCode != http.StatusOK {
		var f struct{ Error string }
		if json.Unmarshal(data, &f) != nil || f.Error == "" {
			return fmt.Errorf("%s answered %s", target, resp.Status)
		}
		return errors.New(f.Error)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: the answer is not what was expected: %w", target, err)
	}
	return nil
}

// adminFlags are the flags the mq subcommands share.
type adminFlags struct {
	endpoint, instance, file string
	asJSON                   bool
}

func (f *adminFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&f.endpoint, "endpoint", orDefault(getenv(envMQEndpoint), "http://127.0.0.1:8080"), "RocketMQ `url` of the running rocketfn dev or rocketfn mq (or $MQ_ENDPOINT)")
	fs.StringVar(&f.instance, "instance", getenv(envMQInstance), "instance `id` (or $MQ_INSTANCE)")
	fs.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
}

var mqAdminExamples = map[string]string{
	"endpoint": "--endpoint http://127.0.0.1:9080",
	"instance": "--instance MQ_INST_rocketfn",
	"topic":    "--topic orders",
	"group":    "--group GID_orders_fc",
	"to":       "--to earliest, --to latest, or --to 2026-05-01T12:00:00Z",
	"file":     "--file deploy/s.yaml",
}

// mqBacklog is "rocketfn mq backlog": each group's backlog per topic.
func mqBacklog(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var f adminFlags
	fs := flag.NewFlagSet("rocketfn mq backlog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs, getenv)
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn mq backlog [flags]

Prints, for each consumer group and topic of the running local RocketMQ
(rocketfn dev or rocketfn mq), the messages ready for the group, in flight
(delivered, not acknowledged), dead-lettered, the age of the oldest one it
has not consumed and how many the topic retains. Without --instance (and
$MQ_INSTANCE) it covers the default instance and those s.yaml's triggers
and --topic or --group flags declared.
`, mqAdminExamples, `
Examples:

  rocketfn mq backlog
  rocketfn mq backlog --instance MQ_INST_rocketfn --json
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path := "/api/backlog"
	instanceSet := false
	fs.Visit(func(fl *flag.Flag) { instanceSet = instanceSet || fl.Name == "instance" })
	if instanceSet || f.instance != "" {
		path += "?instance=" + url.QueryEscape(f.instance)
	}
	var bls []console.Backlog
	if err := (adminClient{f.endpoint}).call(http.MethodGet, path, nil, &bls); err != nil {
		return fmt.Errorf("backlog: %w", err)
	}
	if f.asJSON {
		return json.NewEncoder(stdout).Encode(bls)
	}
	if len(bls) == 0 {
		fmt.Fprintln(stdout, "no consumer group has consumed a topic yet")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tTOPIC\tGROUP\tREADY\tIN FLIGHT\tDEAD\tOLDEST UNCONSUMED\tRETAINED")
	now := time.Now()
	for _, b := range bls {
		age := "-"
		if b.Oldest != nil {
			age = now.Sub(*b.Oldest).Round(time.Second).String() + " ago"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\n", instanceLabel(b.Instance), b.Topic, b.Group, b.Ready, b.InFlight, b.Dead, age, b.Retained)
	}
	return tw.Flush()
}

// instanceLabel shows the default instance.
func instanceLabel(inst string) string {
	if inst == "" {
		return "(default)"
	}
	return inst
}

// mqResetOffset is "rocketfn mq reset-offset": it moves a group.
func mqResetOffset(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var f adminFlags
	var topic, group, to string
	fs := flag.NewFlagSet("rocketfn mq reset-offset", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs, getenv)
	fs.StringVar(&topic, "topic", "", "`topic` of the group (required)")
	fs.StringVar(&group, "group", "", "consumer `group` to move (required)")
	fs.StringVar(&to, "to", "", "`position`: earliest, latest or an RFC 3339 time (required)")
	fs.StringVar(&f.file, "file", "s.yaml", "the s.yaml `file` whose triggers give the topic's instance when --instance and $MQ_INSTANCE are empty")
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn mq reset-offset --topic T --group G --to earliest|latest|TIME [flags]

Moves a consumer group of the running local RocketMQ (rocketfn dev or
rocketfn mq), as the cloud console's consumer offset reset does: the group
is then done with every message before the position and with none from it
on, which it consumes again (earliest: every message the topic retains;
latest: only messages published from now on; a time: those published at
or after it). Deliveries in flight end. It prints how many messages the
group now has to consume. A trigger's group under rocketfn dev is
GroupID in s.yaml (rocketfn mq backlog lists the groups).
`, mqAdminExamples, `
Examples:

  rocketfn mq reset-offset --topic orders --group GID_orders_fc --to earliest
  rocketfn mq reset-offset --instance MQ_INST_rocketfn --topic orders --group GID_orders_fc --to 2026-05-01T12:00:00Z
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var missing []string
	for name, v := range map[string]string{"--topic": topic, "--group": group, "--to": to} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return usagef("%s required", strings.Join(missing, ", "))
	}
	pos, err := console.ParsePosition(to)
	if err != nil {
		return usagef("--to %q: want earliest, latest or an RFC 3339 time such as 2026-05-01T12:00:00Z", to)
	}
	if f.instance == "" {
		fileSet := false
		fs.Visit(func(fl *flag.Flag) { fileSet = fileSet || fl.Name == "file" })
		if f.instance, err = triggerInstance(f.file, fileSet, topic); err != nil {
			return err
		}
	}
	var res console.ResetResult
	req := console.ResetRequest{Instance: f.instance, Topic: topic, Group: group, To: pos.String()}
	if err := (adminClient{f.endpoint}).call(http.MethodPost, "/api/reset-offset", req, &res); err != nil {
		return fmt.Errorf("reset offset: %w", err)
	}
	if f.asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"instance": f.instance, "topic": topic, "group": group, "to": res.To, "pending": res.Pending})
	}
	noun := "messages"
	if res.Pending == 1 {
		noun = "message"
	}
	fmt.Fprintf(stdout, "group %s of topic %s (instance %s) reset to %s: %d %s to consume\n", group, topic, instanceLabel(f.instance), res.To, res.Pending, noun)
	return nil
}
