package syaml

import (
	"strings"
	"testing"
)

func TestWarnings(t *testing.T) {
	const base = "      functionName: f\n      runtime: custom\n      code: ./c\n"
	const tail = "            runOptions:\n              mode: event-streaming\n"
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"unknown top-level key", "edition: 3.0.0\nname: t\nresourses: {}\nresources: {}\n",
			[]string{"3: resourses: unknown top-level key"}},
		{"missing edition", "name: t\nresources: {}\n",
			[]string{"1: edition: missing; expected 3.0.0 (fc3) or 1.0.0 (fc)"}},
		{"edition mismatch", "edition: 1.0.0\nresources: {}\n",
			[]string{"2: resources: edition 1.0.0 expects services"}},
		{"other component", "edition: 3.0.0\nresources:\n  d:\n    component: fc3-domain\n    props: {}\n",
			[]string{`4: resources.d.component: component "fc3-domain" is not fc3 or fc; skipped`}},
		{"missing code", fc3Doc("      functionName: f\n      runtime: custom\n"),
			[]string{"6: resources.f.props: missing code"}},
		{"reserved env", fc3Doc(base + "      environmentVariables:\n        FC_X: 1\n"),
			[]string{"11: resources.f.props.environmentVariables.FC_X: names starting with FC_ are reserved by Function Compute"}},
		{"unknown rocketmq key", ebDoc(rmqSource + "                  GroupId: GID_x\n" + tail),
			[]string{"21: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters.GroupId: unknown key (known: " +
				strings.Join(sorted(rocketMQKeys), ", ") + ")"}},
		{"mode not set", ebDoc(rmqSource),
			[]string{"13: resources.f.props.triggers[0].triggerConfig.runOptions.mode: not set; assuming event-streaming"}},
		{"delivery mode overridden", ebDoc(rmqSource + "            eventSinkConfig:\n              deliveryOption:\n                mode: event-driven\n" + tail),
			[]string{`23: resources.f.props.triggers[0].triggerConfig.eventSinkConfig.deliveryOption.mode: "event-driven" is overridden by runOptions.mode "event-streaming"`}},
		{"batch in event-driven", ebDoc(rmqSource + "            runOptions:\n              mode: event-driven\n              batchWindow: {CountBasedWindow: 5}\n"),
			[]string{"23: resources.f.props.triggers[0].triggerConfig.runOptions.batchWindow: batch configurations are not supported in event-driven mode; ignored"}},
		{"dlq without ALL", ebDoc(rmqSource + tail + "              deadLetterQueue: {Arn: 'acs:mns:cn-hangzhou:1:/queues/q'}\n"),
			[]string{"23: resources.f.props.triggers[0].triggerConfig.runOptions.deadLetterQueue: events reach the dead-letter queue only with errorsTolerance ALL"}},
		{"missing group and instance", ebDoc("            eventSourceConfig:\n              eventSourceType: RocketMQ\n              eventSourceParameters:\n                sourceRocketMQParameters: {Topic: t}\n" + tail),
			[]string{
				"17: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters: missing GroupID",
				"17: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters: missing InstanceId",
			}},
		{"timestamp without offset timestamp", ebDoc(rmqSource + "                  Offset: CONSUME_FROM_LAST_OFFSET\n                  Timestamp: 1636597951984\n" + tail),
			[]string{"22: resources.f.props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceRocketMQParameters.Timestamp: used only with Offset CONSUME_FROM_TIMESTAMP"}},
		{"scalar pattern leaf", ebDoc(rmqSource + tail + "            eventRuleFilterPattern: '{\"source\": \"acs:mq\"}'\n"),
			[]string{`23: resources.f.props.triggers[0].triggerConfig.eventRuleFilterPattern: value of "source" must be an array of conditions`}},
		{"same functionName", "edition: 3.0.0\nresources:\n  a:\n    component: fc3\n    props: {functionName: f, runtime: go1, code: ./a}\n" +
			"  b:\n    component: fc3\n    props: {functionName: f, runtime: go1, code: ./b}\n",
			[]string{`6: resources.b: functionName "f" is also used by resources.a (line 3)`}},
		{"preFreeze", "edition: 1.0.0\nservices:\n  s:\n    component: fc\n    props:\n      service: {name: s}\n" +
			"      function:\n        name: f\n        runtime: custom\n        codeUri: ./c\n        instanceLifecycleConfig:\n          preFreeze: {handler: h}\n",
			[]string{"12: services.s.props.function.instanceLifecycleConfig.preFreeze: not supported in FC 3.0; not run locally"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range p.Warnings {
				got = append(got, w.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
