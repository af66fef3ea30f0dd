package syaml

import (
	"errors"
	"strings"
	"testing"
)

func TestBrokenFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"testdata/missing-topic.yaml", []string{
			"testdata/missing-topic.yaml:17: resources.players.props.triggers[0].triggerConfig.eventSourceConfig: missing sourceRocketMQParameters.Topic",
		}},
		{"testdata/bad-timeout.yaml", []string{
			`testdata/bad-timeout.yaml:13: resources.players.props.timeout: must be a number, got string "60"`,
		}},
		{"testdata/unknown-mode.yaml", []string{
			`testdata/unknown-mode.yaml:25: resources.orders.props.triggers[0].triggerConfig.runOptions.mode: must be one of event-driven, event-streaming, got "event-stream"`,
		}},
		{"testdata/broken-fc.yaml", []string{
			"testdata/broken-fc.yaml:12: services.orders.props.function: missing name",
			"testdata/broken-fc.yaml:15: services.orders.props.function.instanceConcurrency: must be between 1 and 200, got 500",
			`testdata/broken-fc.yaml:30: services.orders.props.triggers[0].config.runOptions.retryStrategy.PushRetryStrategy: must be one of BACKOFF_RETRY, EXPONENTIAL_DECAY_RETRY, got "LINEAR_RETRY"`,
			"testdata/broken-fc.yaml:32: services.orders.props.triggers[0].config.runOptions.batchWindow.CountBasedWindow: must be between 1 and 10000, got 20000",
			`testdata/broken-fc.yaml:33: services.orders.props.triggers[0].config.runOptions.batchWindow.TimeBasedWindow: must be a number, got string "fast"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := Load(tt.file)
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not an ErrorList", err)
			}
			if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
			if p == nil || len(p.Functions) != 1 {
				t.Errorf("want the partial project with its function, got %+v", p)
			}
		})
	}
}

// fc3Doc wraps props lines (indented six spaces) in an fc3 resource; the
// first props line is line 6.
func fc3Doc(props string) string {
	return "edition: 3.0.0\nname: t\nresources:\n  f:\n    component: fc3\n    props:\n" + props
}

// ebDoc is an fc3 function whose trigger (line 11) has config lines
// (indented twelve spaces) from line 14.
func ebDoc(config string) string {
	return fc3Doc("      functionName: f\n      runtime: custom\n      code: ./c\n      triggers:\n" +
		"        - triggerName: t\n          triggerType: eventbridge\n          triggerConfig:\n" + config)
}

// rmqSource is an eventSourceConfig block, lines 14-20 in ebDoc.
const rmqSource = `            eventSourceConfig:
              eventSourceType: RocketMQ
              eventSourceParameters:
                sourceRocketMQParameters:
                  Topic: orders
                  GroupID: GID_orders
                  InstanceId: rmq-1
`

func TestParseErrors(t *testing.T) {
	const base = "      functionName: f\n      runtime: custom\n      code: ./c\n"
	tests := []struct {
		name, doc, want string
	}{
		{"syntax", "edition: 3.0.0\nname: [\n", "s.yaml:2: did not find expected node content"},
		{"empty", "", "s.yaml:1: empty document"},
		{"not a mapping", "- a\n- b\n", "s.yaml:1: must be a mapping, got sequence"},
		{"missing component", "edition: 3.0.0\nresources:\n  f:\n    props: {}\n", "s.yaml:3: resources.f: missing component"},
		{"missing props", "edition: 3.0.0\nresources:\n  f:\n    component: fc3\n", "s.yaml:3: resources.f: missing props"},
		{"missing functionName", fc3Doc("      runtime: custom\n"), "s.yaml:6: resources.f.props: missing functionName"},
		{"missing runtime", fc3Doc("      functionName: f\n"), "s.yaml:6: resources.f.props: missing runtime"},
		{"mapping for string", fc3Doc(base + "      role: {a: b}\n"), "s.yaml:10: resources.f.props.role: must be a string, got mapping"},
		{"string memory", fc3Doc(base + "      memorySize: big\n"), `s.yaml:10: resources.f.props.memorySize: must be a number, got string "big"`},
		{"float timeout", fc3Doc(base + "      timeout: 1.5\n"), "s.yaml:10: resources.f.props.timeout: must be a whole number, got 1.5"},
		{"zero timeout", fc3Doc(base + "      timeout: 0\n"), "s.yaml:10: resources.f.props.timeout: must be between 1 and 2147483647, got 0"},
		{"port range", fc3Doc(base + "      customRuntimeConfig:\n        port: 70000\n"), "s.yaml:11: resources.f.props.customRuntimeConfig.port: must be between 1 and 65535, got 70000"},
		{"command string", fc3Doc(base + "      customRuntimeConfig:\n        command: /code/main\n"), `s.yaml:11: resources.f.props.customRuntimeConfig.command: must be a sequence, got string "/code/main"`},
		{"env mapping", fc3Doc(base + "      environmentVariables:\n        A: [1]\n"), "s.yaml:11: resources.f.props.environmentVariables.A: must be a string, got sequence"},
		{"repeated key", fc3Doc(base + "      timeout: 3\n      timeout: 4\n"), "s.yaml:11: resources.f.props.timeout: key repeated (first at line 10)"},
		{"hook timeout type", fc3Doc(base + "      instanceLifecycleConfig:\n        preStop: {handler: h, timeout: soon}\n"), `s.yaml:11: resources.f.props.instanceLifecycleConfig.preStop.timeout: must be a number, got string "soon"`},
		{"missing triggerConfig", ebDoc(""), "s.yaml:11: resources.f.props.triggers[0]: missing triggerConfig"},
		{"missing eventSourceConfig", ebDoc("            triggerEnable: true\n"), "s.yaml:13: resources.f.props.triggers[0].triggerConfig: missing eventSourceConfig"},
		{"bool type", ebDoc("            triggerEnable: yes please\n" + rmqSource), `s.yaml:14: resources.f.props.triggers[0].triggerConfig.triggerEnable: must be true or false, got string "yes please"`},
		{"source type", ebDoc("            eventSourceConfig:\n              eventSourceType: Kinesis\n"), `s.yaml:15: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceType: must be one of Default, MNS, RocketMQ, RabbitMQ, Kafka, MQTT, DTS, got "Kinesis"`},
		{"missing rocketmq params", ebDoc("            eventSourceConfig:\n              eventSourceType: RocketMQ\n"), "s.yaml:14: resources.f.props.triggers[0].triggerConfig.eventSourceConfig: missing eventSourceParameters.sourceRocketMQParameters"},
		{"bad offset", ebDoc(rmqSource + "                  Offset: NEWEST\n"), `s.yaml:21: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters.Offset: must be one of CONSUME_FROM_LAST_OFFSET, CONSUME_FROM_FIRST_OFFSET, CONSUME_FROM_TIMESTAMP, got "NEWEST"`},
		{"timestamp offset", ebDoc(rmqSource + "                  Offset: CONSUME_FROM_TIMESTAMP\n"), "s.yaml:21: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters.Offset: CONSUME_FROM_TIMESTAMP needs Timestamp"},
		{"pattern json", ebDoc(rmqSource + "            eventRuleFilterPattern: '{\"source\": [}'\n"), "s.yaml:21: resources.f.props.triggers[0].triggerConfig.eventRuleFilterPattern: must be a JSON object: invalid character '}' looking for beginning of value"},
		{"pattern array", ebDoc(rmqSource + "            eventRuleFilterPattern: '[1]'\n"), "s.yaml:21: resources.f.props.triggers[0].triggerConfig.eventRuleFilterPattern: must be a JSON object: json: cannot unmarshal array into Go value of type map[string]interface {}"},
		{"pattern sequence", ebDoc(rmqSource + "            eventRuleFilterPattern: [a]\n"), "s.yaml:21: resources.f.props.triggers[0].triggerConfig.eventRuleFilterPattern: must be a JSON string or a mapping, got sequence"},
		{"schema", ebDoc(rmqSource + "            eventSinkConfig:\n              deliveryOption:\n                eventSchema: Raw\n"), `s.yaml:23: resources.f.props.triggers[0].triggerConfig.eventSinkConfig.deliveryOption.eventSchema: must be one of CloudEvents, RawData, got "Raw"`},
		{"tolerance", ebDoc(rmqSource + "            runOptions:\n              mode: event-streaming\n              errorsTolerance: SOME\n"), `s.yaml:23: resources.f.props.triggers[0].triggerConfig.runOptions.errorsTolerance: must be one of NONE, ALL, got "SOME"`},
		{"dlq arn", ebDoc(rmqSource + "            runOptions:\n              mode: event-streaming\n              deadLetterQueue: {}\n"), "s.yaml:23: resources.f.props.triggers[0].triggerConfig.runOptions.deadLetterQueue: missing Arn"},
		{"batch window", ebDoc(rmqSource + "            runOptions:\n              mode: event-streaming\n              batchWindow:\n                TimeBasedWindow: 16\n"), "s.yaml:24: resources.f.props.triggers[0].triggerConfig.runOptions.batchWindow.TimeBasedWindow: must be between 0 and 15, got 16"},
		{"repeated trigger", fc3Doc(base + "      triggers:\n        - {triggerName: a, triggerType: timer}\n        - {triggerName: a, triggerType: timer}\n"), `s.yaml:12: resources.f.props.triggers[1].triggerName: trigger "a" repeated (first at line 11)`},
		{"self merge", "edition: 3.0.0\nvars: &v\n  a: 1\n  <<: *v\nresources: {}\n", "s.yaml:4: vars.<<: merge key refers to a mapping that contains it, or nests too deeply"},
		{"merge scalar", "edition: 3.0.0\nvars:\n  <<: 5\nresources: {}\n", "s.yaml:3: vars.<<: merge key needs a mapping or a sequence of mappings"},
		{"long value", fc3Doc(base + "      timeout: " + strings.Repeat("x", 100) + "\n"), `s.yaml:10: resources.f.props.timeout: must be a number, got string "` + strings.Repeat("x", 60) + `"...`},
		{"big int", fc3Doc(base + "      memorySize: 99999999999999999999\n"), "s.yaml:10: resources.f.props.memorySize: number 99999999999999999999 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantParseError(t, tt.doc, tt.want) })
	}
}

// wantParseError checks that Parse refuses doc with the error want.
func wantParseError(t *testing.T, doc, want string) {
	t.Helper()
	_, err := Parse([]byte(doc), "")
	if err == nil {
		t.Fatalf("no error, want %s", want)
	}
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}
