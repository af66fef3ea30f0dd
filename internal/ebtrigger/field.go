package ebtrigger

// Field names a setting of a trigger by its key in the triggerConfig,
// as s.yaml writes it, for messages about that setting.
type Field string

// The fields a runner may give no effect.
const (
	FieldInstanceType            Field = "InstanceType"
	FieldFilterType              Field = "FilterType"
	FieldInstanceNetwork         Field = "InstanceNetwork"
	FieldInstanceEndpoint        Field = "InstanceEndpoint"
	FieldInstanceVpcID           Field = "InstanceVpcId"
	FieldInstanceVSwitchIDs      Field = "InstanceVSwitchIds"
	FieldInstanceSecurityGroupID Field = "InstanceSecurityGroupId"
	FieldAuthType                Field = "AuthType"
	FieldInstanceUsername        Field = "InstanceUsername"
	FieldInstancePassword        Field = "InstancePassword"
	FieldFilterSQL               Field = "FilterSql"
	FieldConcurrency             Field = "concurrency"
	FieldMaxTasks                Field = "maximumTasks"
)
