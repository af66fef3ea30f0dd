package syaml

import (
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// Function defaults, applied when the file leaves the key out.
const (
	// DefaultPort is the custom-runtime port (customRuntimeConfig.port,
	// caPort): "The default CAPort is 9000"
	// (https://www.alibabacloud.com/help/doc-detail/209242.htm; the
	// Serverless Devs fc3 local invoke uses it too,
	// github.com/devsapp/fc3 src/subCommands/local/impl/invoke/customLocalInvoke.ts).
	DefaultPort = 9000
	// DefaultCommand starts a custom runtime that sets no command: "the
	// HTTP server starts from /code/bootstrap"
	// (https://help.aliyun.com/document_detail/425055.html).
	DefaultCommand = "/code/bootstrap"
	// DefaultHandler is what fc3 fills in when handler is omitted
	// (github.com/devsapp/fc3 src/resources/fc/impl/replace-function-config.ts).
	DefaultHandler = "handler"
	// DefaultTimeout, DefaultMemoryMB and DefaultInstanceConcurrency are the
	// fc3 defaults (github.com/devsapp/fc3 src/default/config.ts). No fc
	// 2.0 defaults are published; the same values are used for fc.
	DefaultTimeout             = 3 * time.Second
	DefaultMemoryMB            = 512
	DefaultInstanceConcurrency = 1
	// MaxInstanceConcurrency bounds instanceConcurrency ([1, 200] for
	// custom runtimes, github.com/devsapp/fc3 __tests__/complete-props.yaml).
	MaxInstanceConcurrency = 200
)

// DefaultQualifier is the qualifier every fc3 example uses
// (github.com/devsapp/fc3 __tests__/complete-props.yaml).
const DefaultQualifier = "LATEST"

// Trigger values that callers of this package compare with, as package
// ebtrigger defines them.
const (
	ModeEventDriven    = ebtrigger.ModeEventDriven
	ModeEventStreaming = ebtrigger.ModeEventStreaming
	SchemaRawData      = ebtrigger.SchemaRawData
	TolerateNone       = ebtrigger.ToleranceNone
	TolerateAll        = ebtrigger.ToleranceAll
)

// maxBatchWindowSecs is TimeBasedWindow's upper bound in seconds.
const maxBatchWindowSecs = int64(ebtrigger.MaxBatchWindow / time.Second)

// functionDefaults fills what the file left out.
func functionDefaults(fn *Function) {
	if fn.Handler == "" && fn.Component == "fc3" {
		fn.Handler = DefaultHandler
	}
	if fn.Timeout == 0 {
		fn.Timeout = DefaultTimeout
	}
	if fn.MemoryMB == 0 {
		fn.MemoryMB = DefaultMemoryMB
	}
	if fn.InstanceConcurrency == 0 {
		fn.InstanceConcurrency = DefaultInstanceConcurrency
	}
	if fn.Port == 0 && fn.IsCustom() {
		fn.Port = DefaultPort
	}
}

// triggerDefaults fills what a trigger left out: the qualifier, and for
// an eventbridge trigger the defaults of ebtrigger.Trigger.SetDefaults.
// Offset belongs to RocketMQ sources only.
func triggerDefaults(t *Trigger) {
	if t.Qualifier == "" {
		t.Qualifier = DefaultQualifier
	}
	if t.Type != "eventbridge" {
		return
	}
	t.SetDefaults()
	if t.SourceType != "RocketMQ" {
		t.Offset = ""
	}
}
