package broker

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// present is the value of topic, group and subscription records.
var present = []byte{1}

// CreateTopic creates a topic; creating an existing one is not an error.
func (b *Broker) CreateTopic(instance, topic string) error {
	if err := checkNames(instance, topic, nil); err != nil {
		return err
	}
	id := topicID{instance, topic}
	if err := b.lockOpen(); err != nil {
		return err
	}
	t, exists := b.topics[id]
	if !exists {
		t = newTopicState(id, b.cfg.Queues)
		b.topics[id] = t
	}
	b.mu.Unlock()
	if exists {
		return nil
	}
	rec := topicRecord(t)
	return b.update("create topic", func(w kv.Writer) error {
		return w.Put(bucketTopic, []byte(id.key()), rec)
	})
}

// CreateGroup creates a consumer group; creating an existing one is not an
// error. A group consumes any topic of its instance.
func (b *Broker) CreateGroup(instance, group string) error {
	return b.addGroup(instance, group, true)
}

// EnsureGroup checks that a group may be used: it exists, or the broker
// is lenient and creates it. A strict broker answers ErrGroupNotExist for
// an unknown group.
func (b *Broker) EnsureGroup(instance, group string) error {
	return b.addGroup(instance, group, false)
}

// addGroup creates a group when it is new: always for an admin call,
// else as lookupGroup allows.
func (b *Broker) addGroup(instance, group string, admin bool) error {
	if err := checkInstance(instance); err != nil {
		return err
	}
	if err := checkName("group", group); err != nil {
		return err
	}
	id := groupID{instance, group}
	if err := b.lockOpen(); err != nil {
		return err
	}
	var created bool
	var err error
	if admin {
		created = !b.groups[id]
		b.groups[id] = true
	} else {
		created, err = b.lookupGroup(id, true)
	}
	b.mu.Unlock()
	if err != nil || !created {
		return err
	}
	return b.update("create group", func(w kv.Writer) error {
		return w.Put(bucketGroup, []byte(id.key()), present)
	})
}

// EnsureTopic is EnsureGroup for a topic: it exists, or the broker is
// lenient and creates it.
func (b *Broker) EnsureTopic(instance, topic string) error {
	if err := checkNames(instance, topic, nil); err != nil {
		return err
	}
	if err := b.lockOpen(); err != nil {
		return err
	}
	if _, _, err := b.lookupTopic(topicID{instance, topic}, false); err != nil {
		b.mu.Unlock()
		return err
	}
	b.mu.Unlock()
	return b.CreateTopic(instance, topic)
}

// lookupTopic returns the topic. An unknown topic is an error when the
// broker is strict, is created when create is set and is nil otherwise.
// b.mu is held.
func (b *Broker) lookupTopic(id topicID, create bool) (t *topicState, created bool, err error) {
	if t := b.topics[id]; t != nil {
		return t, false, nil
	}
	if b.cfg.Strict {
		return nil, false, b.unknownTopic(id)
	}
	if !create {
		return nil, false, nil
	}
	t = newTopicState(id, b.cfg.Queues)
	b.topics[id] = t
	return t, true, nil
}

// unknownTopic is the ErrTopicNotExist for id, naming the topics its
// instance has or, when the instance has none, the instances that have
// topics, so that a missing or mistyped name shows at once. b.mu is held.
func (b *Broker) unknownTopic(id topicID) error {
	var topics []string
	instances := map[string]bool{}
	for tid := range b.topics {
		instances[tid.instance] = true
		if tid.instance == id.instance {
			topics = append(topics, tid.topic)
		}
	}
	if len(topics) > 0 {
		return fmt.Errorf("%w: topic %q in instance %s; its topics: %s",
			ErrTopicNotExist, id.topic, instanceName(id.instance), listNames(topics, strconv.Quote))
	}
	known := "none has topics"
	if len(instances) > 0 {
		known = "instances with topics: " + listNames(slices.Collect(maps.Keys(instances)), instanceName)
	}
	return fmt.Errorf("%w: topic %q in instance %s, which has no topics (%s)",
		ErrTopicNotExist, id.topic, instanceName(id.instance), known)
}

// instanceName quotes an instance ID for messages; "" is the default
// instance, which requests without an instance address.
func instanceName(instance string) string {
	if instance == "" {
		return `"" (the default instance: no instance given)`
	}
	return strconv.Quote(instance)
}

// listNames formats names sorted, at most 16 of them.
func listNames(names []string, format func(string) string) string {
	const most = 16
	slices.Sort(names)
	var sb strings.Builder
	for i, n := range names {
		if i == most {
			fmt.Fprintf(&sb, " and %d more", len(names)-most)
			break
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(format(n))
	}
	return sb.String()
}

// lookupGroup checks the group like lookupTopic and reports whether it
// was created. b.mu is held.
func (b *Broker) lookupGroup(id groupID, create bool) (created bool, err error) {
	if b.groups[id] {
		return false, nil
	}
	if b.cfg.Strict {
		return false, fmt.Errorf("%w: group %q in instance %q", ErrGroupNotExist, id.group, id.instance)
	}
	if create {
		b.groups[id] = true
	}
	return create, nil
}

// records lists topic, group and subscription records to write.
type records struct {
	topic, group, sub string
	topicRec          []byte // of a new topic
	start             uint64 // of the subscription
}

// put writes the non-empty records.
func (r records) put(w kv.Writer) error {
	if r.topic != "" {
		if err := w.Put(bucketTopic, []byte(r.topic), r.topicRec); err != nil {
			return err
		}
	}
	if r.group != "" {
		if err := w.Put(bucketGroup, []byte(r.group), present); err != nil {
			return err
		}
	}
	if r.sub != "" {
		return w.Put(bucketSub, []byte(r.sub), subRecord(r.start))
	}
	return nil
}

// subRecord is the value of a subscription record: the sequence number the
// group started at, or was last reset to. (Records written as present,
// 1, read as "from the first message".)
func subRecord(start uint64) []byte { return binary.AppendUvarint(nil, start) }

// empty reports whether there is nothing to write.
func (r records) empty() bool { return r.topic == "" && r.group == "" && r.sub == "" }

// join returns the topic and group of a consumer, creating them when
// allowed, and with subscribe the group's subscription to the topic. b.mu
// is held; the caller writes the returned records.
func (b *Broker) join(instance, topic, group string, subscribe bool) (*topicState, *subState, records, error) {
	var recs records
	t, tc, err := b.lookupTopic(topicID{instance, topic}, true)
	if err != nil {
		return nil, nil, recs, err
	}
	gid := groupID{instance, group}
	gc, err := b.lookupGroup(gid, true)
	if err != nil {
		return nil, nil, recs, err
	}
	if tc {
		recs.topic, recs.topicRec = t.key, topicRecord(t)
	}
	if gc {
		recs.group = gid.key()
	}
	if !subscribe {
		return t, nil, recs, nil
	}
	s := t.subs[group]
	if s == nil {
		s = t.newSub(group, t.base)
		recs.sub = s.key
		recs.start = s.low
	}
	return t, s, recs, nil
}
