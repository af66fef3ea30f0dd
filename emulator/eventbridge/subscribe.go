package eventbridge

import (
	"fmt"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// DefaultGroup is the group of a trigger that names none.
func DefaultGroup(function, trigger string) string { return "GID_" + function + "_" + trigger }

// position is the broker position of the trigger's Offset.
func position(t *Trigger) (broker.Position, error) {
	switch t.Offset {
	case OffsetLast:
		return broker.Position{From: broker.FromLatest}, nil
	case OffsetFirst:
		return broker.Position{From: broker.FromEarliest}, nil
	case OffsetTimestamp:
		if t.Timestamp.IsZero() {
			return broker.Position{}, fmt.Errorf("eventbridge: trigger %s: offset %s needs a Timestamp", t.Name, OffsetTimestamp)
		}
		return broker.Position{From: broker.FromTime, Time: t.Timestamp}, nil
	}
	return broker.Position{}, fmt.Errorf("eventbridge: trigger %s: offset %q is not %s, %s or %s", t.Name, t.Offset, OffsetLast, OffsetFirst, OffsetTimestamp)
}

// subscribe makes the trigger's group a consumer of its topic at the
// trigger's Offset, unless the group already is one: then it keeps its
// position, as the group of a trigger keeps its progress across restarts.
// On a strict broker the topic and the group must exist.
func (b *Bridge) subscribe(t *Trigger, start broker.Position) error {
	created, err := b.broker.Subscribe(t.Instance, t.Topic, t.Group, start)
	if err != nil {
		return fmt.Errorf("eventbridge: trigger %s: subscribing group %s to topic %s: %w", t.Name, t.Group, t.Topic, err)
	}
	if created {
		b.log.Info("eventbridge: new subscription", "trigger", t.Name, "topic", t.Topic, "group", t.Group, "from", start.String())
	} else {
		b.log.Debug("eventbridge: the group keeps its position; Offset applies to new groups", "trigger", t.Name, "topic", t.Topic, "group", t.Group)
	}
	return nil
}
