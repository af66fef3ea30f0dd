package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/internal/syaml"
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
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	v := &verifier{dir: filepath.Dir(file), doc: readYAMLDoc(src), msgSize: msgSize}
	proj, err := syaml.Parse(src, v.dir, syaml.WithFile(file), syaml.WithEnv(os.LookupEnv), accountConfig(accountID))
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
		for _, fn := range proj.Functions {
			v.function(fn)
		}
	}
	sort.SliceStable(v.findings, func(i, j int) bool { return v.findings[i].Line < v.findings[j].Line })
	return v.findings, nil
}

// function checks one function and its EventBridge triggers.
func (v *verifier) function(fn *syaml.Function) {
	block := fn.Key + ".props" // where the function's keys are
	if fn.Component == "fc" {
		block += ".function"
	} else {
		v.propsKeys(fn)
	}
	if !v.runtime(fn, block) {
		return
	}
	scan := v.source(fn)
	if len(fn.Triggers) > 0 && v.doc.line(0, block+".timeout") == 0 {
		v.add(fn.Line, "warning", block+".timeout", "not set: Function Compute's default is %v; set it to what handling a delivery takes", syaml.DefaultTimeout)
	}
	for _, t := range fn.Triggers {
		if t.Type == "eventbridge" {
			v.trigger(fn, t, block, scan)
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

// source checks the code directory and scans the function's Go source;
// the scan is empty when there is none to read.
func (v *verifier) source(fn *syaml.Function) handlerScan {
	key := fn.Key + ".props.code"
	if fn.Component == "fc" {
		key = fn.Key + ".props.function.codeUri"
	}
	line := v.doc.line(fn.Line, key)
	switch {
	case fn.CodeDir == "":
		return handlerScan{} // in OSS, or missing, which syaml reports
	case strings.HasSuffix(fn.CodeDir, ".zip"):
		if _, err := os.Stat(fn.CodeDir); err != nil {
			v.add(line, "error", key, "code %s: %v", fn.CodeDir, err)
		}
		return handlerScan{}
	}
	dir := v.doc.functionSource(fn, v.dir)
	if dir == "" {
		if _, err := os.Stat(fn.CodeDir); err != nil {
			v.add(line, "error", key, "code directory %s does not exist, and neither it nor the two directories above it hold Go source to build it from", fn.CodeDir)
		} else {
			v.add(line, "warning", key, "no Go source in %s or the two directories above it; the handler checks are skipped", fn.CodeDir)
		}
		return handlerScan{}
	}
	scan, err := scanHandlers(dir)
	if err != nil {
		v.add(line, "warning", key, "the handler checks are skipped: %v", err)
	} else if !scan.found() {
		v.add(line, "warning", key, "no handler (fn.Typed, fn.TypedBatch, app.Handle, ...) found in %s; the handler checks are skipped", dir)
	}
	return scan
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
