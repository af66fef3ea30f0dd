package syaml

import (
	"math"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sizing reads timeout, memorySize, instanceConcurrency and
// environmentVariables, which fc3 props and the fc function block share.
func (p *parser) sizing(fn *Function, m *fieldMap) {
	v, _ := m.get("timeout")
	fn.Timeout, _ = p.asSeconds(v, 1, math.MaxInt32)
	v, _ = m.get("memorySize")
	fn.MemoryMB, _ = p.asRange(v, 1, math.MaxInt32)
	v, _ = m.get("instanceConcurrency")
	fn.InstanceConcurrency, _ = p.asRange(v, 1, MaxInstanceConcurrency)
	v, _ = m.get("environmentVariables")
	fn.Env = p.envVars(v)
}

// envVars reads environmentVariables. Values are taken as written, so
// DEBUG: true is "true". Names starting with FC_ are reserved and the
// total is limited to 4 KB
// (https://www.alibabacloud.com/help/en/functioncompute/fc/environment-variables);
// both are warnings.
func (p *parser) envVars(v val) map[string]string {
	m, ok := p.mapping(v)
	if !ok || len(m.list) == 0 {
		return nil
	}
	env := make(map[string]string, len(m.list))
	size := 0
	for _, f := range m.list {
		s, _ := p.asString(f.v)
		env[f.key] = s
		size += len(f.key) + len(s)
		if strings.HasPrefix(f.key, "FC_") {
			p.warnf(f.keyLine, f.v.path, "names starting with FC_ are reserved by Function Compute")
		}
	}
	if size > 4096 {
		p.warnf(m.line, m.path, "environment variables total %d bytes; Function Compute allows 4 KB", size)
	}
	return env
}

// code reads the code location under key: a directory or zip path, which
// is resolved against the s.yaml's directory, or a mapping naming an OSS
// object and, when srcKey is not "", a local path.
func (p *parser) code(fn *Function, m *fieldMap, key, bucketKey, objectKey, srcKey string) {
	v, ok := m.get(key)
	if !ok || v.isNull() {
		p.warnf(m.line, m.path, "missing %s", key)
		return
	}
	if v.n.Kind == yaml.MappingNode {
		cm, _ := p.mapping(v)
		p.checkKeys(cm, bucketKey, objectKey, srcKey)
		bucket, _ := p.optString(cm, bucketKey)
		object, _ := p.optString(cm, objectKey)
		if bucket != "" || object != "" {
			fn.CodeOSS = "oss://" + bucket + "/" + object
		}
		if srcKey == "" {
			return
		}
		v, _ = cm.get(srcKey)
	}
	if dir, ok := p.asString(v); ok && dir != "" {
		fn.CodeDir = p.localPath(dir)
	}
}

// localPath resolves a relative path against the s.yaml's directory.
func (p *parser) localPath(path string) string {
	if filepath.IsAbs(path) || p.dir == "" {
		return filepath.Clean(path)
	}
	return filepath.Join(p.dir, path)
}

// command reads customRuntimeConfig command and args. A custom runtime
// with no command starts /code/bootstrap
// (https://help.aliyun.com/document_detail/425055.html); the args follow
// it.
func (p *parser) command(fn *Function, crc *fieldMap) {
	v, _ := crc.get("command")
	cmd, _ := p.asStrings(v)
	v, _ = crc.get("args")
	args, _ := p.asStrings(v)
	if len(cmd) == 0 && fn.IsCustom() {
		cmd = []string{DefaultCommand}
	}
	if len(cmd)+len(args) > 0 {
		fn.Command = append(cmd, args...)
	}
}

// hook reads an initializer or preStop mapping {handler, timeout}.
func (p *parser) hook(v val) *Hook {
	if v.isNull() {
		return nil
	}
	m, ok := p.mapping(v)
	if !ok {
		return nil
	}
	p.checkKeys(m, "handler", "timeout")
	h := &Hook{}
	h.Handler, _ = p.optString(m, "handler")
	tv, _ := m.get("timeout")
	h.Timeout, _ = p.asSeconds(tv, 1, math.MaxInt32)
	return h
}

// vpc reads vpcConfig. fc3 spells the switches vSwitchIds, fc vswitchIds.
func (p *parser) vpc(m *fieldMap, switchesKey string) *VPC {
	v, ok := m.get("vpcConfig")
	if !ok || v.isNull() {
		return nil
	}
	if v.n.Kind == yaml.ScalarNode && v.n.Value == "auto" {
		return &VPC{Auto: true}
	}
	vm, ok := p.mapping(v)
	if !ok {
		return nil
	}
	p.checkKeys(vm, "vpcId", switchesKey, "securityGroupId")
	out := &VPC{}
	out.ID, _ = p.optString(vm, "vpcId")
	out.SecurityGroupID, _ = p.optString(vm, "securityGroupId")
	sv, _ := vm.get(switchesKey)
	out.VSwitchIDs, _ = p.asStrings(sv)
	return out
}
