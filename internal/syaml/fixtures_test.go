package syaml

import (
	"path/filepath"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// testEnv is the environment the fixture tests see.
func testEnv(name string) (string, bool) {
	if name == "ROCKETFN_RMQ_USER" {
		return "orders-reader", true
	}
	return "", false
}

// fc3Players is what testdata/fc3.yaml's players resource reads as.
func fc3Players() *Function {
	return &Function{
		Resource:    "players",
		Key:         "resources.players",
		Component:   "fc3",
		Name:        "players",
		Region:      "cn-hangzhou",
		Description: "Player events consumer",
		Runtime:     "custom.debian10",
		Handler:     "handler",
		CodeDir:     filepath.Join("testdata", "functions", "players", "target"),
		Command:     []string{"/code/players", "--listen=:9000"},
		Port:        9000,
		Env:         map[string]string{"OTS_INSTANCE": "players", "LOG_LEVEL": "debug"},
		Timeout:     30 * time.Second,
		MemoryMB:    256,

		InstanceConcurrency: 10,
		Initializer:         &Hook{Handler: "handler", Timeout: 10 * time.Second},
		PreStop:             &Hook{Handler: "handler", Timeout: 5 * time.Second},
		Role:                "acs:ram::${config('AccountID')}:role/rocketfn-players",
		Line:                11,
		Triggers: []*Trigger{{
			Trigger: ebtrigger.Trigger{
				Name:         "players-mq",
				Function:     "players",
				Instance:     "rmq-cn-demo0001",
				Topic:        "players",
				Group:        "GID_players_fc",
				Offset:       ebtrigger.OffsetFirst,
				RegionID:     "cn-hangzhou",
				InstanceType: "Cloud_5",
				Pattern:      []byte(`{"source":["RocketMQ-players-players-mq"]}`),
				Mode:         ebtrigger.ModeEventDriven,
				Schema:       ebtrigger.SchemaCloudEvents,
				BatchCount:   1,
				RetryPolicy:  ebtrigger.RetryBackoff,

				ErrorsTolerance: ebtrigger.ToleranceNone,
			},
			Key:        "resources.players.props.triggers[0]",
			Type:       "eventbridge",
			Qualifier:  "LATEST",
			Enabled:    true,
			SourceType: "RocketMQ",
			Line:       45,
		}},
	}
}

// fc3Orders is what testdata/fc3.yaml's orders resource reads as.
func fc3Orders() *Function {
	return &Function{
		Resource:  "orders",
		Key:       "resources.orders",
		Component: "fc3",
		Name:      "orders",
		Region:    "cn-hangzhou",
		Runtime:   "custom.debian12",
		Handler:   DefaultHandler,
		CodeDir:   filepath.Join("testdata", "functions", "orders", "target"),
		Command:   []string{"/code/orders"},
		Port:      9001,
		Env:       map[string]string{"OTS_INSTANCE": "orders", "RMQ_USER": "orders-reader"},
		Timeout:   60 * time.Second,
		MemoryMB:  512,
		Role:      "acs:ram::123456789012:role/rocketfn-orders",
		VPC:       &VPC{ID: "vpc-demo", VSwitchIDs: []string{"vsw-demo1", "vsw-demo2"}, SecurityGroupID: "sg-demo"},
		Line:      68,

		InstanceConcurrency: 20,
		Triggers: []*Trigger{{
			Trigger: ebtrigger.Trigger{
				Name:         "orders-mq",
				Function:     "orders",
				Async:        true,
				Instance:     "rmq-cn-demo0001",
				Topic:        "orders",
				Tag:          "created||paid",
				Group:        "GID_orders_fc",
				Offset:       ebtrigger.OffsetLast,
				RegionID:     "cn-hangzhou",
				InstanceType: "Cloud_5",
				FilterType:   "Tag",
				Pattern:      []byte(`{"data":{"systemProperties":{"TAGS":["created","paid"]}},"type":["mq:Topic:SendMessage"]}`),
				Mode:         ebtrigger.ModeEventStreaming,
				Schema:       ebtrigger.SchemaRawData,
				Concurrency:  2,
				BatchCount:   10,
				BatchWindow:  3 * time.Second,
				RetryPolicy:  ebtrigger.RetryExponential,

				ErrorsTolerance: ebtrigger.ToleranceAll,
				DeadLetterQueue: "acs:mns:cn-hangzhou:123456789012:/queues/orders-dlq",
				DeadLetter:      true,
			},
			Key:        "resources.orders.props.triggers[0]",
			Type:       "eventbridge",
			Qualifier:  "LATEST",
			Enabled:    true,
			SourceType: "RocketMQ",
			Tags:       []string{"created", "paid"},
			Line:       90,
		}},
	}
}

// fcPlayers is testdata/fc2.yaml's players: the fc3 one in FC 2.0 form.
func fcPlayers() *Function {
	f := fc3Players()
	f.Key, f.Component, f.Service, f.Line = "services.players", "fc", "rocketfn-players", 11
	t := f.Triggers[0]
	t.Key, t.Line = "services.players.props.triggers[0]", 41
	return f
}

// fcOrders is testdata/fc2.yaml's orders: FC 2.0 has no default handler.
func fcOrders() *Function {
	f := fc3Orders()
	f.Key, f.Component, f.Service, f.Line = "services.orders", "fc", "rocketfn-orders", 64
	f.Handler = ""
	t := f.Triggers[0]
	t.Key, t.Line = "services.orders.props.triggers[0]", 89
	return f
}

// fixtureVars is the vars block both fixtures share.
var fixtureVars = map[string]any{"region": "cn-hangzhou", "instance": "rmq-cn-demo0001", "memory": 256}
