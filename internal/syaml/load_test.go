package syaml

import (
	"reflect"
	"testing"
)

// stripRaw clears the Raw maps, which TestRaw checks on their own.
func stripRaw(fns []*Function) {
	for _, f := range fns {
		f.Raw = nil
		for _, t := range f.Triggers {
			t.Raw = nil
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
		}}},
		{"testdata/fc2.yaml", "1.0.0", []*Function{fcPlayers(), fcOrders()}, []Warning{{
			Line: 17, Key: "services.players.props.service.role",
			Message: "${config('AccountID')} reads the Serverless Devs access configuration, which is not available here; left as is",
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
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			name := gv.Type().Field(i).Name
			t.Errorf("%s.%s = %#v, want %#v", label, name, gv.Field(i).Interface(), wv.Field(i).Interface())
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
		Message: "${env(USER)} needs the environment, which was not given (WithEnv); left as is"}}
	if !reflect.DeepEqual(p.Warnings, want) {
		t.Errorf("Warnings = %#v", p.Warnings)
	}
	if p.Path != "" || p.Functions[0].CodeDir != "code" {
		t.Errorf("Path %q CodeDir %q", p.Path, p.Functions[0].CodeDir)
	}
}
