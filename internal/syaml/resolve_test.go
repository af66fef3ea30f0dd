package syaml

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// refDoc is an fc3 file whose vars block holds vars (indented two spaces)
// and whose function description is desc; description is on line
// 10+len(vars lines).
func refDoc(vars, desc string) string {
	return "edition: 3.0.0\nname: t\naccess: prod\nvars:\n" + vars +
		"resources:\n  api:\n    component: fc3\n    props:\n      functionName: fn-${this.name}\n" +
		"      runtime: custom\n      code: ./c\n      timeout: 9\n      description: " + desc + "\n"
}

func TestResolve(t *testing.T) {
	env := func(name string) (string, bool) {
		v, ok := map[string]string{"STAGE": "dev", "EMPTY": ""}[name]
		return v, ok
	}
	tests := []struct {
		name, vars, desc, want, warning string
	}{
		{"var", "  a: x\n", "${vars.a}", "x", ""},
		{"nested var", "  a: {b: [p, q]}\n", "${vars.a.b.1}", "q", ""},
		{"var of var", "  a: ${vars.b}-1\n  b: two\n", "v${vars.a}", "vtwo-1", ""},
		{"number in string", "  n: 3\n", "n=${vars.n}", "n=3", ""},
		{"env", "  a: x\n", "${env(STAGE)}", "dev", ""},
		{"env quoted", "  a: x\n", `"${env('STAGE')}/${env(\"STAGE\")}/${env.STAGE}"`, "dev/dev/dev", ""},
		{"env empty", "  a: x\n", "a${env(EMPTY)}b", "ab", ""},
		{"env unset", "  a: x\n", "${env(NOPE)}", "${env(NOPE)}",
			"${env(NOPE)} names an environment variable that is not set; left as is"},
		{"this", "  a: x\n", "${this.name}/${this.access}/${this.props.timeout}", "api/prod/9", ""},
		{"functionName", "  a: x\n", "RocketMQ-${functionName}", "RocketMQ-fn-api", ""},
		{"resource props", "  a: x\n", "${resources.api.props.runtime}|${api.props.code}", "custom|./c", ""},
		{"output", "  a: x\n", "${api.output.url}", "${api.output.url}",
			"${api.output.url} is a deploy output, known only after s deploy; left as is"},
		{"missing var", "  a: x\n", "${vars.b}", "${vars.b}", "${vars.b} is not defined; left as is"},
		{"file", "  a: x\n", "${file(./x)}", "${file(./x)}", "${file(./x)} reads another file, which is not supported; left as is"},
		{"unknown", "  a: x\n", "${stage}", "${stage}", "${stage} is not a reference this package resolves; left as is"},
		{"mapping in string", "  m: {k: v}\n", "x${vars.m}", "x${vars.m}",
			"${vars.m} is a mapping and cannot be part of a string; left as is"},
		{"cycle", "  a: ${vars.b}\n  b: ${vars.a}\n", "${vars.a}", "${vars.a}",
			"${vars.a} is part of a reference cycle; left as is"},
		{"not a reference", "  a: x\n", "'cost: ${ 5'", "cost: ${ 5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(refDoc(tt.vars, tt.desc)), "", WithEnv(env))
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Functions[0].Description; got != tt.want {
				t.Errorf("description = %q, want %q", got, tt.want)
			}
			var msgs []string
			for _, w := range p.Warnings {
				msgs = append(msgs, w.Message)
			}
			if tt.warning == "" && len(msgs) > 0 || tt.warning != "" && !contains(msgs, tt.warning) {
				t.Errorf("warnings %q, want %q", msgs, tt.warning)
			}
		})
	}
}

func TestResolveKeepsTypes(t *testing.T) {
	doc := "edition: 3.0.0\nvars:\n  t: 45\n  env: {A: a, B: b}\n  cmd: [/code/main, -v]\n  base: &base {runtime: custom, code: ./c}\n" +
		"resources:\n  f:\n    component: fc3\n    props:\n      <<: *base\n      functionName: f\n      timeout: ${vars.t}\n" +
		"      memorySize: ${env(MEM)}\n      environmentVariables: ${vars.env}\n      customRuntimeConfig:\n        command: ${vars.cmd}\n"
	p, err := Parse([]byte(doc), "/srv", WithEnv(func(string) (string, bool) { return "1024", true }))
	if err != nil {
		t.Fatal(err)
	}
	f := p.Functions[0]
	if f.Timeout != 45*time.Second || f.MemoryMB != 1024 || f.Runtime != "custom" || f.CodeDir != "/srv/c" {
		t.Errorf("timeout %v memory %d runtime %q code %q", f.Timeout, f.MemoryMB, f.Runtime, f.CodeDir)
	}
	if !reflect.DeepEqual(f.Env, map[string]string{"A": "a", "B": "b"}) {
		t.Errorf("Env = %v", f.Env)
	}
	if !reflect.DeepEqual(f.Command, []string{"/code/main", "-v"}) {
		t.Errorf("Command = %v", f.Command)
	}
	if p.Vars["t"] != 45 {
		t.Errorf("Vars[t] = %#v", p.Vars["t"])
	}
}

func TestUnresolvedNumberIsNotATypeError(t *testing.T) {
	p, err := Parse([]byte(fc3Doc("      functionName: f\n      runtime: custom\n      code: ./c\n      timeout: ${vars.t}\n")), "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Functions[0].Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v, want the default", p.Functions[0].Timeout)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0].Message, "${vars.t}") {
		t.Errorf("Warnings = %v", p.Warnings)
	}
}

func TestMergeKeys(t *testing.T) {
	doc := "edition: 3.0.0\nvars:\n  d: &d {runtime: go1, timeout: 5, code: ./x}\n  e: &e {memorySize: 128, timeout: 7}\n" +
		"resources:\n  a:\n    component: fc3\n    props: {functionName: a, timeout: 9, <<: [*d, *e]}\n" +
		"  b:\n    component: fc3\n    props: {<<: [*d, *e], functionName: b}\n"
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		timeout time.Duration
		memory  int
	}{{9 * time.Second, 128}, {5 * time.Second, 128}}
	for i, w := range want {
		f := p.Functions[i]
		if f.Timeout != w.timeout || f.MemoryMB != w.memory || f.Runtime != "go1" || f.CodeDir != "x" {
			t.Errorf("%s: timeout %v memory %d runtime %q code %q", f.Name, f.Timeout, f.MemoryMB, f.Runtime, f.CodeDir)
		}
	}
}
