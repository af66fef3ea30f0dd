package syaml

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Option changes how Parse and Load read a file.
type Option func(*parser)

// WithEnv sets the lookup that ${env(NAME)} uses. Without it Parse leaves
// every ${env(...)} unresolved and records a warning; Load uses
// os.LookupEnv.
func WithEnv(lookup func(name string) (string, bool)) Option {
	return func(p *parser) { p.lookupEnv = lookup }
}

// WithConfig sets the lookup that ${config('KEY')} uses, for the keys of
// the Serverless Devs access configuration (AccountID, say) that the
// caller knows. Without it, or for a key it does not know, the reference
// stays as written, with a warning.
func WithConfig(lookup func(key string) (string, bool)) Option {
	return func(p *parser) { p.lookupConfig = lookup }
}

// WithFile sets Project.Path and the file name errors and warnings use.
// Without it Parse names the file "s.yaml".
func WithFile(path string) Option {
	return func(p *parser) { p.path = path }
}

// Load reads the s.yaml at path. Code paths resolve against its directory
// and ${env(NAME)} reads the process environment, unless opts say
// otherwise.
func Load(path string, opts ...Option) (*Project, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	opts = append([]Option{WithEnv(os.LookupEnv), WithFile(path)}, opts...)
	return Parse(b, filepath.Dir(path), opts...)
}

// Parse reads an s.yaml held in b. dir is the directory code paths resolve
// against; "" leaves them relative.
//
// When the file has problems the error is an ErrorList naming each line and
// key. The Project is then still returned when the YAML itself could be
// read, holding what could be decoded, so tools can report further; it is
// nil only for YAML syntax errors and a document that is not a mapping.
func Parse(b []byte, dir string, opts ...Option) (*Project, error) {
	p := &parser{dir: dir, seen: map[string]bool{}, refBudget: maxRefs}
	for _, o := range opts {
		o(p)
	}
	proj := p.parse(b)
	if len(p.errs) > 0 {
		return proj, p.errs.sorted()
	}
	return proj, nil
}

// file is the name used in messages.
func (p *parser) file() string {
	if p.path == "" {
		return "s.yaml"
	}
	return p.path
}

// parse decodes the document and walks its top level.
func (p *parser) parse(b []byte) *Project {
	var doc yaml.Node
	if err := safeUnmarshal(b, &doc); err != nil {
		p.errs = syntaxError(p.file(), err)
		return nil
	}
	p.budget = max(minBudget, nodeBudget*countNodes(&doc))
	if len(doc.Content) == 0 {
		p.errorf(1, "", "empty document")
		return nil
	}
	top, ok := p.mapping(p.value(doc.Content[0], "", 0))
	if !ok {
		return nil
	}
	proj := &Project{Path: p.path}
	p.topLevel(proj, top)
	sort.SliceStable(p.warns, func(i, j int) bool { return p.warns[i].Line < p.warns[j].Line })
	proj.Warnings = p.warns
	return proj
}

// safeUnmarshal runs the YAML parser, turning a panic inside it into an
// error so that no input can crash the caller.
func safeUnmarshal(b []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return yaml.Unmarshal(b, doc)
}

// topLevel reads edition, name, access, vars and the resources (3.0.0) or
// services (1.0.0). Other known Serverless Devs keys are skipped; unknown
// keys are warnings.
func (p *parser) topLevel(proj *Project, top *fieldMap) {
	if v, ok := top.get("vars"); ok {
		p.vars = v.n
	}
	if v, ok := top.get("resources"); ok {
		p.resources = v.n
	} else if v, ok := top.get("services"); ok {
		p.resources = v.n
	}
	proj.Edition, _ = p.optString(top, "edition")
	proj.Name, _ = p.optString(top, "name")
	proj.Access, _ = p.optString(top, "access")
	p.access = proj.Access
	if v, ok := top.get("vars"); ok {
		proj.Vars = p.toMap(v)
	}
	p.checkEdition(proj, top)
	for _, f := range top.list {
		switch f.key {
		case "edition", "name", "access", "vars":
		case "resources", "services":
			p.functions(proj, f.v)
		case "template", "flow", "actions", "extend", "global":
			// Serverless Devs keys that do not describe functions.
		default:
			p.warnf(f.v.line(), f.key, "unknown top-level key")
		}
	}
	p.checkNames(proj)
}

// checkEdition warns when edition is missing or does not match the key
// holding the resources (3.0.0 uses resources, 1.0.0 uses services).
func (p *parser) checkEdition(proj *Project, top *fieldMap) {
	_, hasRes := top.get("resources")
	_, hasSvc := top.get("services")
	switch {
	case proj.Edition == "":
		p.warnf(1, "edition", "missing; expected 3.0.0 (fc3) or 1.0.0 (fc)")
	case proj.Edition == "3.0.0" && hasSvc && !hasRes:
		p.warnf(top.lineOf("services"), "services", "edition 3.0.0 expects resources")
	case proj.Edition == "1.0.0" && hasRes && !hasSvc:
		p.warnf(top.lineOf("resources"), "resources", "edition 1.0.0 expects services")
	case proj.Edition != "3.0.0" && proj.Edition != "1.0.0":
		p.warnf(top.lineOf("edition"), "edition", "unknown edition %q", proj.Edition)
	}
	if !hasRes && !hasSvc {
		p.warnf(1, "", "no resources or services")
	}
}

// checkNames warns when two function resources share a functionName and
// region, which a local run cannot tell apart.
func (p *parser) checkNames(proj *Project) {
	first := map[string]*Function{}
	for _, f := range proj.Functions {
		if f.Name == "" {
			continue
		}
		id := f.Region + "/" + f.Name
		if g, dup := first[id]; dup {
			p.warnf(f.Line, f.Key, "functionName %q is also used by %s (line %d)", f.Name, g.Key, g.Line)
			continue
		}
		first[id] = f
	}
}
