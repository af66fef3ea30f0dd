package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/templates"
)

// newData is what the templates of "rocketfn new" are executed with.
type newData struct {
	Name        string // function name, resource key and directory
	Title       string // Name with its first letter upper-case, for doc comments
	Template    string // basic, tablestore, batch or ordered
	Description string // the function's description in s.yaml
	Topic       string
	Tag         string // tag expression
	SampleTag   string // the tag of the sample events
	Mode        string // the trigger's mode
	Table       string // tablestore template only
	EnvPrefix   string // Name upper-case with _ for -, for environment variables

	// Values as written in s.yaml: ${vars.x} references when the file's
	// vars have x, else literals or ${env(...)}.
	Region, MQInstance, TablestoreEndpoint, TablestoreInstance string
	// SampleInstance is the RocketMQ instance of the sample events.
	SampleInstance string
}

// newTemplateData fills newData from the flags and the vars of s.yaml.
func newTemplateData(f newFlags, vars map[string]any) newData {
	d := newData{
		Name: f.name, Title: strings.ToUpper(f.name[:1]) + f.name[1:], Template: f.template,
		Topic: f.topic, Tag: f.tag, SampleTag: sampleTag(f.tag), Mode: templateMode(f.template), Table: f.table,
		EnvPrefix:          strings.ToUpper(strings.ReplaceAll(f.name, "-", "_")),
		Region:             varRef(vars, "region", eventbridge.DefaultRegion),
		MQInstance:         varRef(vars, "mqInstance", sampleInstance),
		TablestoreEndpoint: varRef(vars, "tablestoreEndpoint", "${env(TABLESTORE_ENDPOINT)}"),
		TablestoreInstance: varRef(vars, "tablestoreInstance", "${env(TABLESTORE_INSTANCE)}"),
		SampleInstance:     sampleInstance,
	}
	if s, ok := vars["mqInstance"].(string); ok && s != "" {
		d.SampleInstance = s
	}
	d.Description = map[string]string{
		"basic":      "Handles the RocketMQ messages of topic " + f.topic,
		"tablestore": "RocketMQ messages of topic " + f.topic + " become rows of table " + f.table,
		"batch":      "Handles the RocketMQ messages of topic " + f.topic + " in batches",
		"ordered":    "Applies the updates of the ordered topic " + f.topic + " in sharding-key order",
	}[f.template]
	return d
}

// varRef is a reference to vars.key when s.yaml defines it, else def.
func varRef(vars map[string]any, key, def string) string {
	if _, ok := vars[key]; ok {
		return "${vars." + key + "}"
	}
	return def
}

// newFuncs are the functions the templates call.
var newFuncs = template.FuncMap{
	"quote":     strconv.Quote,
	"yamlQuote": func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" },
	"pad":       func(s string, width int) string { return strings.Repeat(" ", max(1, width-len(s))) },
	"msg":       func(body string) sampleMessage { return sampleMessage{Body: body} },
	"keyed": func(key, body string) sampleMessage {
		return sampleMessage{Body: body, Keys: key, ShardingKey: key}
	},
	"events": renderEvents,
}

// renderFunction renders the files of d.Template, gofmt-ing the Go ones.
func renderFunction(d newData) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(templates.FS, d.Template, func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(name, ".tmpl") {
			return err
		}
		out, err := renderTemplate(name, d)
		if err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(name, d.Template+"/"), ".tmpl")
		if path.Ext(rel) == ".go" {
			b, err := format.Source([]byte(out))
			if err != nil {
				return fmt.Errorf("template %s: the Go it renders does not parse: %w", name, err)
			}
			out = string(b)
		}
		files[rel] = []byte(out)
		return nil
	})
	return files, err
}

// renderTemplate executes the template file name of templates.FS.
func renderTemplate(name string, data any) (string, error) {
	text, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Funcs(newFuncs).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	return buf.String(), nil
}

// renderProjectYAML is a new s.yaml for the project in dir, with vars and
// no resources yet.
func renderProjectYAML(dir string) ([]byte, error) {
	s, err := renderTemplate("s.yaml.tmpl", struct{ Project string }{projectName(dir)})
	return []byte(s), err
}

// sampleTime is the time of the events in generated testdata.
var sampleTime = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

// renderEvents is the sample payload of msgs as d's trigger delivers it,
// indented, with IDs that are the same each time.
func renderEvents(d newData, msgs ...sampleMessage) (string, error) {
	spec := sampleSpec{
		Topic: d.Topic, Tag: d.SampleTag, Mode: d.Mode, Schema: eventbridge.SchemaCloudEvents,
		Instance: d.SampleInstance, Function: d.Name, Trigger: d.Name + "-rocketmq",
		Time: sampleTime, Fixed: true,
	}
	payload, err := samplePayload(spec, msgs)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, payload, "", "  "); err != nil {
		return "", err
	}
	return buf.String(), nil
}
