package syaml

// rabbitMQKeys are the keys of sourceRabbitMQParameters
// (github.com/alibabacloud-go/fc-20230330
// client/source_rabbit_mqparameters_model.go).
var rabbitMQKeys = []string{"InstanceId", "QueueName", "RegionId", "VirtualHostName"}

// rabbitMQSource reads sourceRabbitMQParameters (rm)
// into the trigger's RabbitMQ source: QueueName and VirtualHostName are
// required (the EventBridge API requires both), a missing InstanceId is
// a warning, and RegionId defaults to the function's region.
func (p *parser) rabbitMQSource(t *Trigger, rm *fieldMap, fn *Function) {
	p.checkKeys(rm, rabbitMQKeys...)
	t.Queue = p.required(rm, "QueueName")
	t.VirtualHost = p.required(rm, "VirtualHostName")
	t.Instance, _ = p.optString(rm, "InstanceId")
	if t.Instance == "" {
		p.warnf(rm.line, rm.path, "missing InstanceId")
	}
	t.RegionID, _ = p.optString(rm, "RegionId")
	if t.RegionID == "" {
		t.RegionID = fn.Region
	}
	noteLines(t, rm)
}
