package syaml

import (
	"math"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
	"go.yaml.in/yaml/v3"
)

// eventSourceTypes are the values of eventSourceConfig.eventSourceType
// (github.com/alibabacloud-go/fc-20230330 client/event_source_config_model.go).
var eventSourceTypes = []string{"Default", "MNS", "RocketMQ", "RabbitMQ", "Kafka", "MQTT", "DTS"}

// rocketMQKeys are the keys of sourceRocketMQParameters: the FC 3.0 model
// (https://help.aliyun.com/zh/functioncompute/api-fc-2023-03-30-struct-sourcerocketmqparameters)
// plus FilterSql from FC 2.0
// (https://help.aliyun.com/zh/functioncompute/fc-2-0/developer-reference/api-fc-open-2021-04-06-struct-sourcerocketmqparameters).
var rocketMQKeys = []string{
	"AuthType", "FilterType", "GroupID", "InstanceEndpoint", "InstanceId",
	"InstanceNetwork", "InstancePassword", "InstanceSecurityGroupId",
	"InstanceType", "InstanceUsername", "InstanceVSwitchIds", "InstanceVpcId",
	"Offset", "RegionId", "Tag", "Timestamp", "Topic", "FilterSql",
}

// eventSource reads eventSourceConfig and, for RocketMQ, its
// eventSourceParameters.sourceRocketMQParameters (for RabbitMQ,
// sourceRabbitMQParameters: rabbitMQSource).
func (p *parser) eventSource(t *Trigger, cfg *fieldMap, fn *Function) {
	v, ok := cfg.get("eventSourceConfig")
	if !ok || v.isNull() {
		p.errorf(cfg.line, cfg.path, "missing eventSourceConfig")
		return
	}
	src, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(src, "eventSourceType", "eventSourceParameters")
	tv, ok := src.get("eventSourceType")
	if !ok {
		p.errorf(src.line, src.path, "missing eventSourceType")
		return
	}
	t.SourceType, _ = p.oneOf(tv, eventSourceTypes...)
	if t.SourceType != "RocketMQ" && t.SourceType != "RabbitMQ" {
		return
	}
	pv, _ := src.get("eventSourceParameters")
	params, ok := p.mapping(pv)
	if !ok {
		return
	}
	key := "source" + t.SourceType + "Parameters"
	rv, ok := params.get(key)
	if !ok || rv.isNull() {
		p.errorf(src.line, src.path, "missing eventSourceParameters.%s", key)
		return
	}
	rm, ok := p.mapping(rv)
	switch {
	case !ok:
	case t.SourceType == "RabbitMQ":
		p.rabbitMQSource(t, rm, fn)
	default:
		p.rocketMQ(t, rm, src, fn)
	}
}

// rocketMQ reads sourceRocketMQParameters. Topic is required; a missing
// GroupID or InstanceId is a warning, and RegionId defaults to the
// function's region.
func (p *parser) rocketMQ(t *Trigger, rm, src *fieldMap, fn *Function) {
	p.checkKeys(rm, rocketMQKeys...)
	t.Topic, _ = p.optString(rm, "Topic")
	if t.Topic == "" {
		p.errorf(src.line, src.path, "missing sourceRocketMQParameters.Topic")
	}
	t.Group, _ = p.optString(rm, "GroupID")
	if t.Group == "" {
		p.warnf(rm.line, rm.path, "missing GroupID")
	}
	t.Instance, _ = p.optString(rm, "InstanceId")
	if t.Instance == "" {
		p.warnf(rm.line, rm.path, "missing InstanceId")
	}
	t.RegionID, _ = p.optString(rm, "RegionId")
	if t.RegionID == "" {
		t.RegionID = fn.Region
	}
	for _, k := range []struct {
		key string
		dst *string
	}{
		{"InstanceType", &t.InstanceType}, {"FilterType", &t.FilterType},
		{"InstanceNetwork", &t.InstanceNetwork}, {"InstanceEndpoint", &t.InstanceEndpoint},
		{"InstanceVpcId", &t.InstanceVpcID}, {"InstanceVSwitchIds", &t.InstanceVSwitchIDs},
		{"InstanceSecurityGroupId", &t.InstanceSecurityGroupID}, {"AuthType", &t.AuthType},
		{"InstanceUsername", &t.InstanceUsername}, {"InstancePassword", &t.InstancePassword},
		{"FilterSql", &t.FilterSQL},
	} {
		v, _ := rm.get(k.key)
		*k.dst = p.listString(v)
	}
	p.tag(t, rm)
	p.offset(t, rm)
	noteLines(t, rm)
}

// listString reads v as a string, or a sequence of strings as one
// comma-separated string (InstanceVSwitchIds: [vsw-1, vsw-2]).
func (p *parser) listString(v val) string {
	if !v.isNull() && v.n.Kind == yaml.SequenceNode {
		items, _ := p.items(v)
		parts := make([]string, 0, len(items))
		for _, it := range items {
			if s, ok := p.asString(it); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ",")
	}
	s, _ := p.asString(v)
	return s
}

// noteLines records in t.Lines the line of each key of m that it does
// not hold yet.
func noteLines(t *Trigger, m *fieldMap) {
	if t.Lines == nil {
		t.Lines = map[ebtrigger.Field]int{}
	}
	for _, f := range m.list {
		if _, ok := t.Lines[ebtrigger.Field(f.key)]; !ok {
			t.Lines[ebtrigger.Field(f.key)] = f.keyLine
		}
	}
}

// tag reads Tag, a tag expression that package tagexpr parses: an
// invalid one is an error at its line, and leaves Tags nil.
func (p *parser) tag(t *Trigger, rm *fieldMap) {
	v, _ := rm.get("Tag")
	t.Tag, _ = p.asString(v)
	e, err := tagexpr.Parse(t.Tag)
	if err != nil {
		p.errorf(v.line(), v.path, "%v", err)
		return
	}
	t.Tags = e.Tags()
}

// offset reads Offset and Timestamp (milliseconds, used with
// CONSUME_FROM_TIMESTAMP).
func (p *parser) offset(t *Trigger, rm *fieldMap) {
	tv, _ := rm.get("Timestamp")
	if ts, _ := p.asRange(tv, 0, math.MaxInt64); ts > 0 {
		t.Timestamp = time.UnixMilli(int64(ts))
	}
	ov, ok := rm.get("Offset")
	if !ok {
		return
	}
	t.Offset, _ = p.oneOf(ov, ebtrigger.OffsetLast, ebtrigger.OffsetFirst, ebtrigger.OffsetTimestamp)
	switch {
	case t.Offset == ebtrigger.OffsetTimestamp && t.Timestamp.IsZero():
		p.errorf(ov.line(), ov.path, "%s needs Timestamp", ebtrigger.OffsetTimestamp)
	case t.Offset != "" && t.Offset != ebtrigger.OffsetTimestamp && !t.Timestamp.IsZero():
		p.warnf(rm.lineOf("Timestamp"), join(rm.path, "Timestamp"), "used only with Offset %s", ebtrigger.OffsetTimestamp)
	}
}
