package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/internal/syaml"
	rocketfn "github.com/rocketfn/rocketfn/runtime/fn"
)

// A finding is one problem verify reports, at a line of s.yaml.
type finding struct {
	Line     int    `json:"line"`
	Severity string `json:"severity"` // "error" or "warning"
	Key      string `json:"key,omitempty"`
	Message  string `json:"message"`
}

// verifier collects the findings of one s.yaml.
type verifier struct {
	dir      string // the s.yaml's directory
	doc      yamlDoc
	msgSize  int // expected message body size, bytes
	findings []finding
}

func (v *verifier) add(line int, severity, key, format string, args ...any) {
	v.findings = append(v.findings, finding{Line: max(line, 1), Severity: severity, Key: key, Message: fmt.Sprintf(format, args...)})
}

// verifyProject reads the s.yaml at file and returns its findings ordered
// by line: syaml's errors and warnings, then the checks against the code
// and the platform's limits.
func verifyProject(file string, msgSize int, accountID string) ([]finding, error) {
	return verifyFile(context.Background(), file, verifyFlags{messageSize: msgSize, accountID: accountID})
}

// verifyFile is verifyProject with every flag of "rocketfn verify".
func verifyFile(ctx context.Context, file string, f verifyFlags) ([]finding, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	v := &verifier{dir: filepath.Dir(file), doc: readYAMLDoc(src), msgSize: f.messageSize}
	proj, err := syaml.Parse(src, v.dir, syaml.WithFile(file), syaml.WithEnv(os.LookupEnv), accountConfig(f.accountID))
	var list syaml.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			v.add(e.Line, "error", e.Key, "%s", e.Msg)
		}
	} else if err != nil {
		return nil, err
	}
	if proj != nil {
		for _, w := range proj.Warnings {
			msg := w.Message
			if len(w.Also) > 0 {
				msg += " (also at " + w.AlsoText() + ")"
			}
			if isAccountRef(w.Ref) {
				msg += "; set --account-id or " + envAccountID
			}
			v.add(w.Line, "warning", w.Key, "%s", msg)
		}
		checks := make([]*functionCheck, 0, len(proj.Functions))
		var asks []routesAsk
		for _, fn := range proj.Functions {
			c := v.function(fn)
			checks = append(checks, c)
			if c != nil && c.src != "" {
				asks = append(asks, routesAsk{fn: fn, src: c.src})
			}
		}
		timeout := f.routesTimeout
		if timeout <= 0 {
			timeout = defaultRoutesTimeout
		}
		answers := askRoutes(ctx, asks, timeout)
		for _, c := range checks {
			if c != nil {
				v.handlers(c, answers[c.fn])
			}
		}
	}
	sort.SliceStable(v.findings, func(i, j int) bool { return v.findings[i].Line < v.findings[j].Line })
	return v.findings, nil
}

// functionCheck is a function whose checks wait for its routes.
type functionCheck struct {
	fn      *syaml.Function
	block   string   // where the function's keys are
	codeKey string   // the key of its code directory
	src     string   // the package it is built from; "" when there is none to build
	events  []string // where the source reads CloudEvent attributes
}

// function checks one function's keys and code directory, and returns
// what its triggers are checked with once its routes are known; nil when
// its code is not a Go binary's.
func (v *verifier) function(fn *syaml.Function) *functionCheck {
	block := fn.Key + ".props" // where the function's keys are
	if fn.Component == "fc" {
		block += ".function"
	} else {
		v.propsKeys(fn)
	}
	if !v.runtime(fn, block) {
		return nil
	}
	c := &functionCheck{fn: fn, block: block}
	v.source(c)
	if len(fn.Triggers) > 0 && v.doc.line(0, block+".timeout") == 0 {
		v.add(fn.Line, "warning", block+".timeout", "not set: Function Compute's default is %v; set it to what handling a delivery takes", syaml.DefaultTimeout)
	}
	return c
}

// handlers checks the function's triggers, against its routes when it
// reported them.
func (v *verifier) handlers(c *functionCheck, a routesAnswer) {
	fn := c.fn
	var rep *rocketfn.RoutesReport
	if c.src != "" {
		line := v.doc.line(fn.Line, c.codeKey)
		switch {
		case a.err != nil:
			v.add(line, "error", c.codeKey, "function %s did not report its routes: %v; the handler checks are skipped", fn.Name, a.err)
		case a.report == nil:
		case len(a.report.Routes) == 0 && a.report.Raw == nil && len(fn.Triggers) > 0:
			v.add(line, "error", c.codeKey, "function %s registers no routes (started with %s=1 it reported none): every message fails with fn.ErrNoRoute; register handlers with app.Handle or app.HandleBatch before starting the App",
				fn.Name, rocketfn.RoutesEnv)
		default:
			rep = a.report
			v.unreachedRoutes(fn, rep)
		}
	}
	for _, t := range fn.Triggers {
		if t.Type == "eventbridge" {
			v.trigger(fn, t, c, rep)
		}
	}
}

// fc3PropsKeys are the function props of the fc3 component: its IFunction
// and IProps (devsapp/fc3 src/interface), the FC 3.0 CreateFunction model,
// and instanceConcurrency.
var fc3PropsKeys = toSet("region", "functionName", "description", "runtime", "code", "handler", "timeout",
	"memorySize", "cpu", "diskSize", "instanceConcurrency", "environmentVariables", "role", "internetAccess",
	"vpcConfig", "vpcBinding", "logConfig", "nasConfig", "ossMountConfig", "customRuntimeConfig",
	"customContainerConfig", "customDNS", "gpuConfig", "tracingConfig", "instanceLifecycleConfig", "layers",
	"tags", "annotations", "sessionAffinity", "sessionAffinityConfig", "enableLongLiving", "disableOndemand",
	"idleTimeout", "instanceIsolationMode", "invocationRestriction", "resourceGroupId", "triggers",
	"asyncInvokeConfig", "concurrencyConfig", "provisionConfig", "scalingConfig", "customDomain", "endpoint",
	"supplement")

// propsKeys warns of fc3 props keys the component does not know.
func (v *verifier) propsKeys(fn *syaml.Function) {
	for key := range fn.Raw {
		if !fc3PropsKeys[key] {
			path := fn.Key + ".props." + key
			v.add(v.doc.line(fn.Line, path), "warning", path, "not a function key of the fc3 component; check the spelling")
		}
	}
}

// runtime checks that the runtime runs a Go binary, reporting whether the
// code checks apply.
func (v *verifier) runtime(fn *syaml.Function, block string) bool {
	line := v.doc.line(fn.Line, block+".runtime")
	switch {
	case fn.Runtime == "custom-container":
		v.add(line, "warning", block+".runtime", "custom-container: rocketfn build and rocketfn dev do not build or run images; the code checks are skipped")
		return false
	case fn.IsCustom():
		v.customRuntime(fn, block)
	case fn.Runtime == "go1":
		if fn.InstanceConcurrency > 1 {
			v.add(v.doc.line(fn.Line, block+".instanceConcurrency"), "warning", block+".instanceConcurrency",
				"%d: instance concurrency applies to custom runtimes; the fc3 component drops it for go1", fn.InstanceConcurrency)
		}
	case fn.Runtime != "":
		v.add(line, "error", block+".runtime", "%q does not run a Go binary: use custom.debian12 (fn.Start serves the custom-runtime contract) or go1", fn.Runtime)
		return false
	}
	return true
}

// customRuntime checks customRuntimeConfig: the port set, the command in
// /code, where FC unpacks the code.
func (v *verifier) customRuntime(fn *syaml.Function, block string) {
	portKey := block + ".customRuntimeConfig.port"
	if fn.Component == "fc" {
		portKey = block + ".caPort"
	}
	if v.doc.line(0, portKey) == 0 {
		v.add(v.doc.line(fn.Line, block+".customRuntimeConfig", block), "warning", portKey,
			"not set: FC uses %d and passes it as FC_CUSTOM_LISTEN_PORT, which fn.Start listens on; set it to make that explicit", fn.Port)
	}
	if len(fn.Command) > 0 && !strings.HasPrefix(fn.Command[0], "/code/") {
		v.add(v.doc.line(fn.Line, block+".customRuntimeConfig.command"), "warning", block+".customRuntimeConfig.command",
			"%q is outside /code, where FC unpacks the code directory; rocketfn build writes only binaries under /code/", fn.Command[0])
	}
}

// source checks the code directory and finds the package c's function is
// built from, and where it reads CloudEvent attributes; c.src stays ""
// when there is none.
func (v *verifier) source(c *functionCheck) {
	fn := c.fn
	c.codeKey = fn.Key + ".props.code"
	if fn.Component == "fc" {
		c.codeKey = fn.Key + ".props.function.codeUri"
	}
	line := v.doc.line(fn.Line, c.codeKey)
	switch {
	case fn.CodeDir == "":
		return // in OSS, or missing, which syaml reports
	case strings.HasSuffix(fn.CodeDir, ".zip"):
		if _, err := os.Stat(fn.CodeDir); err != nil {
			v.add(line, "error", c.codeKey, "code %s: %v", fn.CodeDir, err)
		}
		return
	}
	dir := v.doc.functionSource(fn, v.dir)
	if dir == "" {
		if _, err := os.Stat(fn.CodeDir); err != nil {
			v.add(line, "error", c.codeKey, "code directory %s does not exist, and neither it nor the two directories above it hold Go source to build it from", fn.CodeDir)
		} else {
			v.add(line, "warning", c.codeKey, "no Go source in %s or the two directories above it; the handler checks are skipped", fn.CodeDir)
		}
		return
	}
	c.src = dir
	events, err := scanEventReads(dir)
	if err != nil {
		v.add(line, "warning", c.codeKey, "the check of CloudEvent attribute reads is skipped: %v", err)
	}
	c.events = events
}

// toSet makes a set of keys.
func toSet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// eventbridgeLimit is the payload limit of t's invocations and its name.
func eventbridgeLimit(t *syaml.Trigger) (int, string) {
	if t.Async {
		return eventbridge.AsyncPayloadLimit, "asynchronous"
	}
	return eventbridge.SyncPayloadLimit, "synchronous"
}
