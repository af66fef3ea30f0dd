package syaml

import (
	"reflect"
	"strings"
	"testing"
)

// stripRaw clears the Raw maps and the trigger key lines, which TestRaw
// and TestTriggerLines check on their own.
func stripRaw(fns []*Function) {
	for _, f := range fns {
		f.Raw = nil
		for _, t := range f.Triggers {
			t.Raw, t.Lines = nil, nil
		}
	}
}

func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		file     string
		edition  string
		want     []*Function
		warnings []Warning
	}{
		{"testdata/fc3.yaml", "3.0.0", []*Function{fc3Players(), fc3Orders()}, []Warning{{
			Line: 27, Key: "resources.players.props.role",
			Message: "${config('AccountID')} reads the Serverless Devs access configuration, which is not available here; left as is",
			Ref:     "config('AccountID')",
		}}},
		{"testdata/fc2.yaml", "1.0.0", []*Function{fcPlayers(), fcOrders()}, []Warning{{
			Line: 17, Key: "services.players.props.service.role",
			Message: "${config('AccountID')} reads the Serverless Devs access configuration, which is not available here; left as is",
			Ref:     "config('AccountID')",
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := Load(tt.file, WithEnv(testEnv))
			if err != nil {
				t.Fatal(err)
			}
			if p.Edition != tt.edition || p.Name != "rocketfn-demo" || p.Access != "default" || p.Path != tt.file {
				t.Errorf("project = %q %q %q %q", p.Edition, p.Name, p.Access, p.Path)
			}
			if !reflect.DeepEqual(p.Vars, fixtureVars) {
				t.Errorf("Vars = %#v, want %#v", p.Vars, fixtureVars)
			}
			if !reflect.DeepEqual(p.Warnings, tt.warnings) {
				t.Errorf("Warnings = %#v\nwant %#v", p.Warnings, tt.warnings)
			}
			stripRaw(p.Functions)
			if len(p.Functions) != len(tt.want) {
				t.Fatalf("%d functions, want %d", len(p.Functions), len(tt.want))
			}
			for i, want := range tt.want {
				compareFunction(t, p.Functions[i], want)
			}
		})
	}
}

// compareFunction reports each field of got that differs from want.
func compareFunction(t *testing.T, got, want *Function) {
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		if name == "Triggers" {
			continue
		}
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s.%s = %#v, want %#v", want.Name, name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
	if len(got.Triggers) != len(want.Triggers) {
		t.Fatalf("%s: %d triggers, want %d", want.Name, len(got.Triggers), len(want.Triggers))
	}
	for i := range want.Triggers {
		compareFields(t, want.Name+"."+want.Triggers[i].Name, *got.Triggers[i], *want.Triggers[i])
	}
}

// compareFields reports each field of got that differs from want.
func compareFields[T any](t *testing.T, label string, got, want T) {
	t.Helper()
	compareValues(t, label, reflect.ValueOf(got), reflect.ValueOf(want))
}

// compareValues reports each field of the struct got that differs from
// want, looking into embedded structs field by field.
func compareValues(t *testing.T, label string, gv, wv reflect.Value) {
	t.Helper()
	for i := 0; i < gv.NumField(); i++ {
		f := gv.Type().Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			compareValues(t, label, gv.Field(i), wv.Field(i))
			continue
		}
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s.%s = %#v, want %#v", label, f.Name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}

func TestRaw(t *testing.T) {
	p, err := Load("testdata/fc3.yaml", WithEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	orders := p.Function("orders")
	if orders == nil {
		t.Fatal("no function orders")
	}
	if got := orders.Raw["functionName"]; got != "orders" {
		t.Errorf("Raw[functionName] = %v", got)
	}
	if got := orders.Raw["region"]; got != "cn-hangzhou" {
		t.Errorf("Raw[region] = %v, want the resolved ${vars.region}", got)
	}
	run, _ := orders.Triggers[0].Raw["runOptions"].(map[string]any)
	batch, _ := run["batchWindow"].(map[string]any)
	if batch["CountBasedWindow"] != 10 || run["mode"] != "event-streaming" {
		t.Errorf("Raw runOptions = %#v", run)
	}
	players := p.Function("players")
	if got := players.Triggers[0].Raw["eventRuleFilterPattern"]; got != `{"source": ["RocketMQ-players-players-mq"]}` {
		t.Errorf("Raw pattern = %v", got)
	}
	if p.Function("nobody") != nil {
		t.Error("Function(nobody) found something")
	}
}

func TestParseWithoutEnv(t *testing.T) {
	b := []byte("edition: 3.0.0\nresources:\n  f:\n    component: fc3\n    props:\n      functionName: f\n" +
		"      runtime: custom\n      code: ./code\n      environmentVariables:\n        USER: ${env(USER)}\n")
	p, err := Parse(b, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Functions[0].Env["USER"]; got != "${env(USER)}" {
		t.Errorf("USER = %q, want it left as written", got)
	}
	want := []Warning{{Line: 10, Key: "resources.f.props.environmentVariables.USER",
		Message: "${env(USER)} needs the environment, which was not given (WithEnv); left as is", Ref: "env(USER)"}}
	if !reflect.DeepEqual(p.Warnings, want) {
		t.Errorf("Warnings = %#v", p.Warnings)
	}
	if p.Path != "" || p.Functions[0].CodeDir != "code" {
		t.Errorf("Path %q CodeDir %q", p.Path, p.Functions[0].CodeDir)
	}
}

// ${config('AccountID')} takes the value WithConfig gives; unresolved, the
// same reference in several places is one warning that lists them all.
func TestConfigReferences(t *testing.T) {
	b := []byte("edition: 3.0.0\nresources:\n  f:\n    component: fc3\n    props:\n      functionName: f\n" +
		"      runtime: custom\n      code: ./code\n" +
		"      role: acs:ram::${config('AccountID')}:role/fc\n" +
		"      environmentVariables:\n" +
		"        A: ${config(\"AccountID\")}\n" +
		"        B: ${config.AccountID}\n" +
		"        C: ${config('AccessKeyID')}\n")
	p, err := Parse(b, "", WithConfig(func(key string) (string, bool) {
		if key == "AccountID" {
			return "1234", true
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	f := p.Functions[0]
	if f.Role != "acs:ram::1234:role/fc" || f.Env["A"] != "1234" || f.Env["B"] != "1234" {
		t.Errorf("role %q, A %q, B %q: want the account ID in each", f.Role, f.Env["A"], f.Env["B"])
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Ref != "config('AccessKeyID')" {
		t.Errorf("Warnings = %v, want one for the key the lookup does not know", p.Warnings)
	}

	p, err = Parse(b, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"9: resources.f.props.role: ${config('AccountID')} reads the Serverless Devs access configuration, which is not available here; left as is",
		"11: resources.f.props.environmentVariables.A: ${config(\"AccountID\")} reads the Serverless Devs access configuration, which is not available here; left as is",
		"12: resources.f.props.environmentVariables.B: ${config.AccountID} reads the Serverless Devs access configuration, which is not available here; left as is",
		"13: resources.f.props.environmentVariables.C: ${config('AccessKeyID')} reads the Serverless Devs access configuration, which is not available here; left as is",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings without WithConfig:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	b = append(b, "      description: ${config('AccountID')} and ${config('AccountID')}\n"...)
	p, _ = Parse(b, "")
	if w := p.Warnings[0]; w.Line != 9 || !reflect.DeepEqual(w.Also, []int{14}) || !strings.HasSuffix(w.String(), "(also at line 14)") {
		t.Errorf("first warning %v (also %v), want line 9 also at line 14", w, w.Also)
	}
}
