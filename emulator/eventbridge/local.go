package eventbridge

import "github.com/rocketfn/rocketfn/internal/ebtrigger"

// Ignored is a setting of a trigger that the local EventBridge keeps but
// gives no effect.
type Ignored struct {
	Field ebtrigger.Field // the setting, by its s.yaml key
	Why   string          // what the local EventBridge does instead
}

// Reasons a setting has no local effect.
const (
	whyBroker = "the local EventBridge consumes from the local broker or the configured cluster"
	whyAuth   = "the local EventBridge consumes with the stack's credentials"
	whyOne    = "a local trigger makes one invocation at a time"
)

// NoLocalEffect lists the settings of t that are set and that the local
// EventBridge does not honour, in a fixed order: InstanceType (every
// instance is served alike), a FilterType other than Tag, the instance's
// network settings (InstanceNetwork, InstanceEndpoint, InstanceVpcId,
// InstanceVSwitchIds, InstanceSecurityGroupId), its access settings
// (AuthType, InstanceUsername, InstancePassword), FilterSql, and a
// concurrency or maximumTasks above 1. Everything else a Trigger holds
// is honoured.
func NoLocalEffect(t Trigger) []Ignored {
	var out []Ignored
	add := func(set bool, f ebtrigger.Field, why string) {
		if set {
			out = append(out, Ignored{Field: f, Why: why})
		}
	}
	add(t.InstanceType != "", ebtrigger.FieldInstanceType, "every instance type is served alike")
	add(t.FilterType != "" && t.FilterType != ebtrigger.FilterTag, ebtrigger.FieldFilterType, "the local EventBridge filters by Tag")
	add(t.InstanceNetwork != "", ebtrigger.FieldInstanceNetwork, whyBroker)
	add(t.InstanceEndpoint != "", ebtrigger.FieldInstanceEndpoint, whyBroker)
	add(t.InstanceVpcID != "", ebtrigger.FieldInstanceVpcID, whyBroker)
	add(t.InstanceVSwitchIDs != "", ebtrigger.FieldInstanceVSwitchIDs, whyBroker)
	add(t.InstanceSecurityGroupID != "", ebtrigger.FieldInstanceSecurityGroupID, whyBroker)
	add(t.AuthType != "", ebtrigger.FieldAuthType, whyAuth)
	add(t.InstanceUsername != "", ebtrigger.FieldInstanceUsername, whyAuth)
	add(t.InstancePassword != "", ebtrigger.FieldInstancePassword, whyAuth)
	add(t.FilterSQL != "", ebtrigger.FieldFilterSQL, "it is documented as an invalid parameter")
	add(t.Concurrency > 1, ebtrigger.FieldConcurrency, whyOne)
	add(t.MaxTasks > 1, ebtrigger.FieldMaxTasks, whyOne)
	return out
}
