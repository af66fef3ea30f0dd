package stack

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Name is a topic or a group within a RocketMQ instance; Instance "" is
// the default instance, which requests that name none address.
type Name struct{ Instance, Name string }

// String is INSTANCE/NAME, or NAME in the default instance.
func (n Name) String() string {
	if n.Instance == "" {
		return n.Name
	}
	return n.Instance + "/" + n.Name
}

// ParseName reads INSTANCE/NAME, or NAME for the default instance.
func ParseName(s string) (Name, error) {
	inst, name, ok := strings.Cut(s, "/")
	if !ok {
		inst, name = "", s
	}
	if name == "" || strings.Contains(name, "/") {
		return Name{}, fmt.Errorf("%q is not INSTANCE/NAME or NAME", s)
	}
	return Name{Instance: inst, Name: name}, nil
}

// declare creates the topics and groups the local RocketMQ has, which is
// strict as the cloud is: those s.yaml's triggers name (every RocketMQ
// trigger of the file, whether it runs locally or not) and those of
// Config.Topics and Config.Groups.
func (s *Stack) declare(cfg Config) error {
	b := s.MQ.Broker()
	for _, f := range cfg.Project.Functions {
		for _, t := range f.Triggers {
			if t.Type != "eventbridge" || t.Topic == "" {
				continue
			}
			group := t.Group
			if group == "" {
				group = eventbridge.DefaultGroup(f.Name, t.Name)
			}
			if err := b.CreateTopic(t.Instance, t.Topic); err != nil {
				return fmt.Errorf("function %s, trigger %s (s.yaml:%d): topic: %w", f.Name, t.Name, t.Line, err)
			}
			if err := b.CreateGroup(t.Instance, group); err != nil {
				return fmt.Errorf("function %s, trigger %s (s.yaml:%d): group: %w", f.Name, t.Name, t.Line, err)
			}
			s.addInstance(t.Instance)
		}
	}
	for _, n := range cfg.Topics {
		if err := b.CreateTopic(n.Instance, n.Name); err != nil {
			return fmt.Errorf("topic %s: %w", n, err)
		}
		s.addInstance(n.Instance)
	}
	for _, n := range cfg.Groups {
		if err := b.CreateGroup(n.Instance, n.Name); err != nil {
			return fmt.Errorf("group %s: %w", n, err)
		}
		s.addInstance(n.Instance)
	}
	return nil
}

// addInstance records an instance that has declared topics or groups.
func (s *Stack) addInstance(inst string) {
	if !slices.Contains(s.instances, inst) {
		s.instances = append(s.instances, inst)
	}
}

// Instances are the RocketMQ instances of the declared topics and groups.
func (s *Stack) Instances() []string { return slices.Clone(s.instances) }

// mqHandler serves MQ HTTP and, on console.AdminPaths, the broker's
// backlogs and offset resets (for `rocketfn mq backlog` and `rocketfn mq
// reset-offset`).
func mqHandler(mq http.Handler, b *broker.Broker, instances func() []string) http.Handler {
	admin := console.NewAdmin(b, instances)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(console.AdminPaths, r.URL.Path) {
			admin.ServeHTTP(w, r)
			return
		}
		mq.ServeHTTP(w, r)
	})
}
