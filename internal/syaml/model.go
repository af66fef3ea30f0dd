package syaml

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// Project is one s.yaml file.
type Project struct {
	Edition   string         // edition: "3.0.0" (fc3) or "1.0.0" (fc)
	Name      string         // name
	Access    string         // access
	Vars      map[string]any // vars, with references resolved
	Functions []*Function    // function resources, in file order
	Path      string         // file it came from ("" for Parse without WithFile)
	Warnings  []Warning      // problems that do not stop the file from being used
}

// Function returns the function whose functionName is name, or nil.
func (p *Project) Function(name string) *Function {
	for _, f := range p.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Function is one FC function with its triggers.
type Function struct {
	Resource    string // the resource key in s.yaml
	Key         string // key path of the resource, e.g. "resources.players"
	Component   string // "fc3" or "fc" (FC 2.0)
	Service     string // service.name (fc 2.0 only)
	Name        string // functionName (fc3) or function.name (fc)
	Region      string // region
	Description string // description
	Runtime     string // custom.debian10, custom, go1, ...
	Handler     string // handler
	CodeDir     string // code / codeUri, resolved against the s.yaml's directory
	CodeOSS     string // "oss://bucket/object" when the code lives in OSS
	Command     []string
	Port        int               // customRuntimeConfig.port (fc3) or caPort (fc)
	Env         map[string]string // environmentVariables
	Timeout     time.Duration     // timeout (seconds in s.yaml)
	MemoryMB    int               // memorySize
	// InstanceConcurrency is instanceConcurrency.
	InstanceConcurrency int
	Initializer         *Hook // nil when not configured
	PreStop             *Hook // nil when not configured
	Role                string
	VPC                 *VPC // nil when not configured
	Triggers            []*Trigger
	Line                int            // line of the resource key
	Raw                 map[string]any // props as parsed, references resolved
}

// IsCustom reports whether the function uses a custom runtime (custom,
// custom.debian10, custom.debian11, custom.debian12), which FC starts with
// Command and reaches over HTTP on Port.
func (f *Function) IsCustom() bool {
	return f.Runtime == "custom" || strings.HasPrefix(f.Runtime, "custom.")
}

// Hook is an instance lifecycle hook.
type Hook struct {
	Handler string
	Timeout time.Duration // 0 when the file sets none
}

// VPC is a function's (fc3) or service's (fc) vpcConfig.
type VPC struct {
	ID              string   // vpcId
	VSwitchIDs      []string // vSwitchIds (fc3) or vswitchIds (fc)
	SecurityGroupID string   // securityGroupId
	Auto            bool     // vpcConfig: auto
}

// Trigger is one entry of a function's triggers. Eventbridge triggers
// are decoded field by field, into the embedded ebtrigger.Trigger, the
// model the local EventBridge runs, and tablestore triggers into
// Tablestore; the others keep Name, Type, Qualifier, Line and Raw.
//
// The embedded Trigger holds every key of triggerConfig: Name
// (triggerName, or name in fc), Function (the function's name),
// Instance (InstanceId), Topic, Tag, Group (GroupID), Offset, Timestamp,
// RegionID (RegionId, by default the function's region), VirtualHost
// (VirtualHostName) and Queue (QueueName) of a RabbitMQ source, InstanceType,
// FilterType, the instance's network and access keys, Pattern
// (eventRuleFilterPattern as compact JSON), Async
// (asyncInvocationType), Mode (runOptions.mode, else
// eventSinkConfig.deliveryOption.mode), Schema (eventSchema),
// Concurrency, MaxTasks (maximumTasks), BatchCount and BatchWindow
// (batchWindow), RetryPolicy, MaxRetryAttempts and MaxEventAge
// (retryStrategy), ErrorsTolerance and DeadLetterQueue
// (deadLetterQueue.Arn).
type Trigger struct {
	ebtrigger.Trigger

	Key         string // key path, e.g. "resources.players.props.triggers[0]"
	Type        string // triggerType (fc3) or type (fc)
	Qualifier   string // qualifier
	Description string
	Role        string // invocationRole (fc3) or role (fc)
	SourceArn   string // sourceArn
	Enabled     bool   // triggerConfig.triggerEnable; true for a tablestore trigger

	SourceType string // eventSourceConfig.eventSourceType: RocketMQ, MNS, Kafka, ...

	// Tablestore is the table of a tablestore trigger; nil for other
	// types.
	Tablestore *TablestoreSource

	// Tags are Tag's tags, as package tagexpr parses it; nil means every
	// tag (or an invalid Tag, an error).
	Tags []string

	Line int // line of the trigger entry
	// Lines holds the line of each key read from sourceRocketMQParameters,
	// deliveryOption and runOptions, by key name, for messages about a
	// setting (LineOf).
	Lines map[ebtrigger.Field]int
	Raw   map[string]any // triggerConfig (fc3) or config (fc) as parsed
}

// LineOf returns the line of the key f, or the trigger's line when the
// file does not set f.
func (t *Trigger) LineOf(f ebtrigger.Field) int {
	if l, ok := t.Lines[f]; ok {
		return l
	}
	return t.Line
}

// Warning is a problem that does not stop the file from being used: an
// unknown key, an unresolved reference, a value the defaults had to fill.
//
// An unresolved reference is warned about once: Line and Key are where it
// first occurs, Also lists the other lines that hold it, and Ref is the
// reference (config('AccountID'), say).
type Warning struct {
	Line    int
	Key     string // key path, "" when the warning is about the file
	Message string
	Ref     string // the unresolved reference, without ${ }; "" for other warnings
	Also    []int  // further lines with the same warning
}

// String formats w as "line: key: message", followed by the other lines
// with the same warning.
func (w Warning) String() string {
	s := fmt.Sprintf("%d: %s: %s", w.Line, w.Key, w.Message)
	if w.Key == "" {
		s = fmt.Sprintf("%d: %s", w.Line, w.Message)
	}
	if len(w.Also) > 0 {
		s += " (also at " + w.AlsoText() + ")"
	}
	return s
}

// AlsoText lists the further lines, as "lines 72, 93 and 133".
func (w Warning) AlsoText() string {
	var b strings.Builder
	if len(w.Also) == 1 {
		b.WriteString("line ")
	} else {
		b.WriteString("lines ")
	}
	for i, l := range w.Also {
		switch {
		case i == 0:
		case i == len(w.Also)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(l))
	}
	return b.String()
}
