package syaml

import (
	"reflect"
	"testing"
	"time"
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
	got.Raw = nil
	want := Trigger{
		Name: "t", Key: "resources.f.props.triggers[0]", Type: "eventbridge", Qualifier: DefaultQualifier,
		Enabled: true, SourceType: "RocketMQ", Instance: "i", Topic: "t", Group: "g",
		Offset: OffsetTimestamp, Timestamp: 1636597951984, Pattern: []byte(DefaultPattern),
		Mode: ModeEventStreaming, Schema: SchemaCloudEvents, BatchCount: 1,
		RetryPolicy: RetryBackoff, ErrorsTolerance: TolerateNone, Line: 11,
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

func TestRetrySchedule(t *testing.T) {
	backoff := &Trigger{RetryPolicy: RetryBackoff}
	exp := &Trigger{RetryPolicy: RetryExponential}
	if backoff.Retries() != 3 || exp.Retries() != 176 {
		t.Fatalf("Retries = %d, %d", backoff.Retries(), exp.Retries())
	}
	tests := []struct {
		t    *Trigger
		n    int
		r    float64
		want time.Duration
		ok   bool
	}{
		{backoff, 1, 0, 10 * time.Second, true},
		{backoff, 3, 0.5, 15 * time.Second, true},
		{backoff, 2, 7, 20 * time.Second, true},
		{backoff, 4, 0, 0, false},
		{backoff, 0, 0, 0, false},
		{exp, 1, 0, time.Second, true},
		{exp, 9, 0, 256 * time.Second, true},
		{exp, 10, 0, 512 * time.Second, true},
		{exp, 176, 0, 512 * time.Second, true},
		{exp, 177, 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.t.RetryDelay(tt.n, tt.r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s RetryDelay(%d, %v) = %v %v, want %v %v", tt.t.RetryPolicy, tt.n, tt.r, got, ok, tt.want, tt.ok)
		}
	}
	var total time.Duration
	for n := 1; n <= exp.Retries(); n++ {
		d, _ := exp.RetryDelay(n, 0)
		total += d
	}
	if total < 23*time.Hour || total > 25*time.Hour {
		t.Errorf("exponential schedule spans %v, want about one day", total)
	}
}
