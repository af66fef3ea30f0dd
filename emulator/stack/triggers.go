package stack

import (
	"fmt"
	"path/filepath"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/internal/ebtrigger"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// trigger is the local EventBridge trigger of an s.yaml trigger: the
// model syaml read, as it is, with the account the stack runs as and
// the stack's region when s.yaml names none. Its Tag is passed as
// written: the bridge and the broker read it with package tagexpr, as
// syaml did.
func trigger(t *syaml.Trigger, cfg Config) eventbridge.Trigger {
	tr := t.Trigger
	tr.AccountID = cfg.AccountID
	if tr.RegionID == "" {
		tr.RegionID = cfg.Region
	}
	return tr
}

// runsLocally reports whether the local EventBridge runs t: an enabled
// EventBridge trigger with a RocketMQ source.
func runsLocally(t *syaml.Trigger) bool {
	return t.Enabled && t.Type == "eventbridge" && t.Topic != ""
}

// noEffect is a setting at a line of s.yaml without a local effect.
type noEffect struct {
	line  int
	field ebtrigger.Field
}

// warnNoLocalEffect logs each setting of the triggers of fns that run
// locally which the local EventBridge keeps without an effect
// (eventbridge.NoLocalEffect), as "s.yaml:42: InstanceNetwork has no
// local effect": once per line and setting, so that triggers sharing a
// block through a YAML anchor or merge key get one warning for it.
func (s *Stack) warnNoLocalEffect(p *syaml.Project, fns []*syaml.Function) {
	file := projectFile(p)
	warned := map[noEffect]bool{}
	for _, f := range fns {
		for _, t := range f.Triggers {
			if !runsLocally(t) {
				continue
			}
			for _, ig := range eventbridge.NoLocalEffect(t.Trigger) {
				k := noEffect{t.LineOf(ig.Field), ig.Field}
				if warned[k] {
					continue
				}
				warned[k] = true
				s.log.Warn(fmt.Sprintf("%s:%d: %s has no local effect", file, k.line, ig.Field),
					"why", ig.Why, "function", f.Name, "trigger", t.Name)
			}
		}
	}
}

// projectFile is the name of p's file in messages: its base name, or
// s.yaml when p was not read from a file.
func projectFile(p *syaml.Project) string {
	if p.Path == "" {
		return "s.yaml"
	}
	return filepath.Base(p.Path)
}
