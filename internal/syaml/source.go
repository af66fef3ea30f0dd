package syaml

import (
	"math"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// eventSourceTypes are the values of eventSourceConfig.eventSourceType
// (§3.1).
var eventSourceTypes = []string{"Default", "MNS", "RocketMQ", "RabbitMQ", "Kafka", "MQTT", "DTS"}

// rocketMQKeys are the keys of sourceRocketMQParameters: the FC 3.0 model
// plus FilterSql from FC 2.0 (§3.1).
var rocketMQKeys = []string{
	"AuthType", "FilterType", "GroupID", "InstanceEndpoint", "InstanceId",
	"InstanceNetwork", "InstancePassword", "InstanceSecurityGroupId",
	"InstanceType", "InstanceUsername", "InstanceVSwitchIds", "InstanceVpcId",
	"Offset", "RegionId", "Tag", "Timestamp", "Topic", "FilterSql",
}

// eventSource reads eventSourceConfig and, for RocketMQ, its
// eventSourceParameters.sourceRocketMQParameters.
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
	if t.SourceType != "RocketMQ" {
		return
	}
	pv, _ := src.get("eventSourceParameters")
	params, ok := p.mapping(pv)
	if !ok {
		return
	}
	rv, ok := params.get("sourceRocketMQParameters")
	if !ok || rv.isNull() {
		p.errorf(src.line, src.path, "missing eventSourceParameters.sourceRocketMQParameters")
		return
	}
	if rm, ok := p.mapping(rv); ok {
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
	t.InstanceType, _ = p.optString(rm, "InstanceType")
	t.FilterType, _ = p.optString(rm, "FilterType")
	p.tag(t, rm)
	p.offset(t, rm)
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
	ts, _ := p.asRange(tv, 0, math.MaxInt64)
	t.Timestamp = int64(ts)
	ov, ok := rm.get("Offset")
	if !ok {
		return
	}
	t.Offset, _ = p.oneOf(ov, OffsetLast, OffsetFirst, OffsetTimestamp)
	switch {
	case t.Offset == OffsetTimestamp && t.Timestamp == 0:
		p.errorf(ov.line(), ov.path, "%s needs Timestamp", OffsetTimestamp)
	case t.Offset != "" && t.Offset != OffsetTimestamp && t.Timestamp != 0:
		p.warnf(rm.lineOf("Timestamp"), join(rm.path, "Timestamp"), "used only with Offset %s", OffsetTimestamp)
	}
}
