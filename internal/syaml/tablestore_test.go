package syaml

import (
	"strings"
	"testing"
)

// otsDoc is an fc3 function in cn-hangzhou whose tablestore trigger
// starts at line 12, with the trigger's other lines (indented ten spaces)
// from line 14.
func otsDoc(lines string) string {
	return fc3Doc("      region: cn-hangzhou\n      functionName: f\n      runtime: custom\n      code: ./c\n      triggers:\n" +
		"        - triggerName: t\n          triggerType: tablestore\n" + lines)
}

func TestTablestoreTrigger(t *testing.T) {
	const arn = "          sourceArn: acs:ots:cn-hangzhou:123:instance/shop/table/orders\n"
	tests := []struct {
		name, doc string
		want      TablestoreSource
	}{
		{"sourceArn and empty config", otsDoc(arn + "          invocationRole: acs:ram::123:role/r\n          triggerConfig: {}\n"),
			TablestoreSource{Instance: "shop", Table: "orders", Region: "cn-hangzhou", AccountID: "123", Line: 14}},
		{"sourceArn without config", otsDoc(arn),
			TablestoreSource{Instance: "shop", Table: "orders", Region: "cn-hangzhou", AccountID: "123", Line: 14}},
		{"config alone", otsDoc("          triggerConfig:\n            instanceName: shop\n            tableName: orders\n"),
			TablestoreSource{Instance: "shop", Table: "orders", Line: 16}},
		{"both agree", otsDoc(arn + "          triggerConfig: {instanceName: shop, tableName: orders}\n"),
			TablestoreSource{Instance: "shop", Table: "orders", Region: "cn-hangzhou", AccountID: "123", Line: 15}},
		{"unresolved account", otsDoc("          sourceArn: acs:ots:cn-hangzhou:${config('AccountID')}:instance/shop/table/orders\n"),
			TablestoreSource{Instance: "shop", Table: "orders", Region: "cn-hangzhou", AccountID: "${config('AccountID')}", Line: 14}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), "")
			if err != nil {
				t.Fatal(err)
			}
			tr := p.Functions[0].Triggers[0]
			if tr.Tablestore == nil {
				t.Fatal("Tablestore is nil")
			}
			if *tr.Tablestore != tt.want {
				t.Errorf("Tablestore = %+v, want %+v", *tr.Tablestore, tt.want)
			}
			if !tr.Enabled || tr.Type != "tablestore" || tr.Line != 12 || tr.Topic != "" {
				t.Errorf("trigger = enabled %v, type %q, line %d, topic %q", tr.Enabled, tr.Type, tr.Line, tr.Topic)
			}
		})
	}
}

// The fc component's tablestore trigger keeps its table in config.
func TestTablestoreTriggerFC(t *testing.T) {
	doc := "edition: 1.0.0\nservices:\n  s:\n    component: devsapp/fc\n    props:\n      region: cn-hangzhou\n" +
		"      service: {name: svc}\n      function: {name: f, runtime: custom, codeUri: ./c}\n      triggers:\n" +
		"        - name: ots\n          type: tablestore\n" +
		"          sourceArn: acs:ots:cn-hangzhou:123:instance/shop/table/orders\n" +
		"          role: acs:ram::123:role/AliyunTableStoreStreamNotificationRole\n" +
		"          config:\n            instanceName: shop\n            tableName: orders\n"
	p, err := Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	tr := p.Functions[0].Triggers[0]
	want := TablestoreSource{Instance: "shop", Table: "orders", Region: "cn-hangzhou", AccountID: "123", Line: 16}
	if tr.Tablestore == nil || *tr.Tablestore != want {
		t.Fatalf("Tablestore = %+v, want %+v", tr.Tablestore, want)
	}
	if tr.Role != "acs:ram::123:role/AliyunTableStoreStreamNotificationRole" {
		t.Errorf("Role = %q", tr.Role)
	}
}

func TestTablestoreTriggerErrors(t *testing.T) {
	const key = "resources.f.props.triggers[0]"
	tests := []struct {
		name, doc, want string
	}{
		{"no table", otsDoc("          triggerConfig: {}\n"),
			"s.yaml:12: " + key + ": missing sourceArn (" + tablestoreArnForm + ") or triggerConfig.instanceName and triggerConfig.tableName"},
		{"no instance", otsDoc("          triggerConfig: {tableName: orders}\n"),
			"s.yaml:12: " + key + ": missing sourceArn (" + tablestoreArnForm + ") or triggerConfig.instanceName and triggerConfig.tableName"},
		{"bad arn", otsDoc("          sourceArn: acs:ots:cn-hangzhou:123:instance/shop\n"),
			`s.yaml:14: ` + key + `.sourceArn: must be ` + tablestoreArnForm + `, got "acs:ots:cn-hangzhou:123:instance/shop"`},
		{"other service", otsDoc("          sourceArn: acs:oss:cn-hangzhou:123:bucket\n"),
			`s.yaml:14: ` + key + `.sourceArn: must be ` + tablestoreArnForm + `, got "acs:oss:cn-hangzhou:123:bucket"`},
		{"tables differ", otsDoc("          sourceArn: acs:ots:cn-hangzhou:123:instance/shop/table/orders\n          triggerConfig:\n            tableName: payments\n"),
			`s.yaml:16: ` + key + `.triggerConfig.tableName: "payments" differs from the sourceArn's ("orders", line 14)`},
		{"other region", otsDoc("          sourceArn: acs:ots:cn-beijing:123:instance/shop/table/orders\n"),
			"s.yaml:14: " + key + ".sourceArn: the table is in region cn-beijing, the function in cn-hangzhou: a Tablestore trigger needs both in one region"},
		{"empty table", otsDoc("          triggerConfig: {instanceName: shop, tableName: ''}\n"),
			"s.yaml:14: " + key + ".triggerConfig.tableName: must not be empty"},
		{"table type", otsDoc("          triggerConfig: {instanceName: shop, tableName: [orders]}\n"),
			"s.yaml:14: " + key + ".triggerConfig.tableName: must be a string, got sequence"},
		{"config type", otsDoc("          triggerConfig: orders\n"),
			`s.yaml:14: ` + key + `.triggerConfig: must be a mapping, got string "orders"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantParseError(t, tt.doc, tt.want) })
	}
}

// An unknown key of a tablestore triggerConfig is a warning at its line,
// as in the other blocks (key names are case-sensitive).
func TestTablestoreTriggerUnknownKey(t *testing.T) {
	p, err := Parse([]byte(otsDoc("          triggerConfig:\n            instanceName: shop\n            tableName: orders\n            TableName: orders\n")), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, w.String())
	}
	want := "17: resources.f.props.triggers[0].triggerConfig.TableName: unknown key (known: instanceName, tableName)"
	if strings.Join(got, "\n") != want {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
