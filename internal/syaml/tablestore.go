package syaml

import (
	"strings"
)

// TablestoreSource is the table whose stream invokes the function of a
// tablestore trigger, as its sourceArn
// (acs:ots:<region>:<account>:instance/<instance>/table/<table>) and its
// triggerConfig (instanceName, tableName) name it.
type TablestoreSource struct {
	Instance  string // instanceName, or the instance of sourceArn
	Table     string // tableName, or the table of sourceArn
	Region    string // the region of sourceArn; "" without one
	AccountID string // the account of sourceArn; "" without one
	// Line is the line of the key that names the table: tableName, else
	// sourceArn.
	Line int
}

// tablestoreArnPrefix starts the ARN of a Tablestore table.
const tablestoreArnPrefix = "acs:ots:"

// tablestoreArnForm is the shape messages show.
const tablestoreArnForm = "acs:ots:<region>:<account-id>:instance/<instance>/table/<table>"

// tablestore reads a tablestore trigger: the table from its sourceArn
// and its config's instanceName and tableName (github.com/devsapp/fc
// docs/zh/yaml/triggers.md; fc3's __tests__/complete-props.yaml gives the
// sourceArn and an empty triggerConfig), which must agree when both are
// set. The table must be in the function's region, as the cloud requires.
// A sourceArn that is one unresolved reference, already warned about,
// leaves the table to triggerConfig.
func (p *parser) tablestore(t *Trigger, m *fieldMap, cv val, fn *Function, keys triggerKeys) {
	t.Enabled = true // a tablestore trigger has no switch
	src := &TablestoreSource{Line: t.Line}
	arnVal, hasArn := m.get("sourceArn")
	if arn, ok := p.asString(arnVal); ok && hasArn && refPattern.FindString(arn) != arn {
		if !p.tablestoreArn(arnVal, arn, src) {
			return
		}
		src.Line = arnVal.line()
	}
	cfg, ok := p.mapping(cv)
	if !ok {
		return
	}
	p.checkKeys(cfg, "instanceName", "tableName")
	bad := false // a key that is set has an error of its own
	for _, k := range []struct {
		key string
		dst *string
	}{{"instanceName", &src.Instance}, {"tableName", &src.Table}} {
		v, has := cfg.get(k.key)
		s, ok := p.asString(v)
		switch {
		case !has || v.isNull():
			continue
		case !ok:
			bad = true
		case s == "":
			bad = true
			p.errorf(v.line(), v.path, "must not be empty")
		case *k.dst != "" && *k.dst != s && !refPattern.MatchString(s+*k.dst):
			bad = true
			p.errorf(v.line(), v.path, "%s differs from the sourceArn's (%s, line %d)", quote(s), quote(*k.dst), arnVal.line())
		default:
			*k.dst = s
			if k.key == "tableName" {
				src.Line = v.line()
			}
		}
	}
	if bad {
		return
	}
	if src.Table == "" || src.Instance == "" {
		p.errorf(t.Line, t.Key, "missing sourceArn (%s) or %s.instanceName and %s.tableName", tablestoreArnForm, keys.config, keys.config)
		return
	}
	if src.Region != "" && fn.Region != "" && !refPattern.MatchString(src.Region+fn.Region) && src.Region != fn.Region {
		p.errorf(arnVal.line(), arnVal.path, "the table is in region %s, the function in %s: a Tablestore trigger needs both in one region", src.Region, fn.Region)
	}
	t.Tablestore = src
}

// tablestoreArn reads arn into src, reporting an error unless it has the
// form acs:ots:<region>:<account>:instance/<instance>/table/<table>. A
// part still holding an unresolved reference is taken as written.
func (p *parser) tablestoreArn(v val, arn string, src *TablestoreSource) bool {
	bad := func() bool {
		p.errorf(v.line(), v.path, "must be %s, got %s", tablestoreArnForm, quote(arn))
		return false
	}
	rest, ok := strings.CutPrefix(arn, tablestoreArnPrefix)
	if !ok {
		return bad()
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 {
		return bad()
	}
	res := strings.Split(parts[2], "/")
	if len(res) != 4 || res[0] != "instance" || res[2] != "table" || res[1] == "" || res[3] == "" {
		return bad()
	}
	src.Region, src.AccountID, src.Instance, src.Table = parts[0], parts[1], res[1], res[3]
	return true
}
