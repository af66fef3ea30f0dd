package syaml

import (
	"reflect"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

func TestFunctionDefaults(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want Function
	}{
		{"fc3 custom", fc3Doc("      functionName: f\n      runtime: custom.debian11\n      code: ./c\n      customRuntimeConfig:\n        args: [-v]\n"),
			Function{Handler: DefaultHandler, Command: []string{DefaultCommand, "-v"}, Port: DefaultPort, CodeDir: "c",
				Timeout: DefaultTimeout, MemoryMB: DefaultMemoryMB, InstanceConcurrency: DefaultInstanceConcurrency}},
		{"fc3 go1", fc3Doc("      functionName: f\n      runtime: go1\n      code: {ossBucketName: b, ossObjectName: o.zip}\n      vpcConfig: auto\n"),
			Function{Handler: DefaultHandler, Timeout: DefaultTimeout, MemoryMB: DefaultMemoryMB,
				InstanceConcurrency: DefaultInstanceConcurrency, CodeOSS: "oss://b/o.zip", VPC: &VPC{Auto: true}}},
		{"fc custom", "edition: 1.0.0\nservices:\n  s:\n    component: fc\n    props:\n      service: {name: svc}\n" +
			"      function: {name: f, runtime: custom, codeUri: {src: ./c}}\n",
			Function{Command: []string{DefaultCommand}, Port: DefaultPort, Timeout: DefaultTimeout,
				MemoryMB: DefaultMemoryMB, InstanceConcurrency: DefaultInstanceConcurrency, CodeDir: "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), "")
			if err != nil {
				t.Fatal(err)
			}
			f := p.Functions[0]
			got := Function{Handler: f.Handler, Command: f.Command, Port: f.Port, Timeout: f.Timeout, MemoryMB: f.MemoryMB,
				InstanceConcurrency: f.InstanceConcurrency, CodeDir: f.CodeDir, CodeOSS: f.CodeOSS, VPC: f.VPC}
			compareFields(t, tt.name, got, tt.want)
		})
	}
}

func TestTriggerDefaults(t *testing.T) {
	doc := ebDoc("            eventSourceConfig:\n              eventSourceType: RocketMQ\n              eventSourceParameters:\n" +
		"                sourceRocketMQParameters: {Topic: t, GroupID: g, InstanceId: i, Timestamp: 1636597951984}\n")
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	got := *p.Functions[0].Triggers[0]
	got.Raw, got.Lines = nil, nil
	want := Trigger{
		Trigger: ebtrigger.Trigger{
			Name: "t", Function: "f", Instance: "i", Topic: "t", Group: "g",
			Offset: ebtrigger.OffsetTimestamp, Timestamp: time.UnixMilli(1636597951984), Pattern: []byte(ebtrigger.DefaultPattern),
			Mode: ebtrigger.ModeEventStreaming, Schema: ebtrigger.SchemaCloudEvents, BatchCount: 1,
			RetryPolicy: ebtrigger.RetryBackoff, ErrorsTolerance: ebtrigger.ToleranceNone,
		},
		Key: "resources.f.props.triggers[0]", Type: "eventbridge", Qualifier: DefaultQualifier,
		Enabled: true, SourceType: "RocketMQ", Line: 11,
	}
	compareFields(t, "trigger", got, want)
}

func TestOtherTriggerTypes(t *testing.T) {
	doc := fc3Doc("      functionName: f\n      runtime: custom\n      code: ./c\n      triggers:\n" +
		"        - triggerName: tick\n          triggerType: timer\n          qualifier: prod\n" +
		"          triggerConfig: {cronExpression: '@every 1m', enable: true}\n")
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	tr := p.Functions[0].Triggers[0]
	if tr.Type != "timer" || tr.Name != "tick" || tr.Qualifier != "prod" || tr.Line != 11 || tr.Pattern != nil {
		t.Errorf("trigger = %+v", tr)
	}
	want := map[string]any{"cronExpression": "@every 1m", "enable": true}
	if !reflect.DeepEqual(tr.Raw, want) {
		t.Errorf("Raw = %#v", tr.Raw)
	}
}
