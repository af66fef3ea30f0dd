package syaml

import "math"

// fcFunction reads the props of an fc (FC 2.0) resource (edition 1.0.0,
// github.com/devsapp/fc docs/zh/yaml/function.md): region, service {name, role, vpcConfig}, function {name,
// runtime, codeUri, handler, memorySize, timeout, caPort,
// instanceConcurrency, customRuntimeConfig, environmentVariables,
// initializer, initializationTimeout, instanceLifecycleConfig} and
// triggers.
func (p *parser) fcFunction(fn *Function, props *fieldMap) {
	fn.Region, _ = p.optString(props, "region")
	sv, _ := props.get("service")
	if svc, ok := p.mapping(sv); ok {
		fn.Service, _ = p.optString(svc, "name")
		fn.Role, _ = p.optString(svc, "role")
		fn.VPC = p.vpc(svc, "vswitchIds")
	}
	if fn.Service == "" {
		p.warnf(props.line, props.path, "missing service.name")
	}
	fv, ok := props.get("function")
	if !ok {
		p.errorf(props.line, props.path, "missing function")
		return
	}
	if f, ok := p.mapping(fv); ok {
		p.fcFunctionBlock(fn, f)
	}
	fn.Triggers = p.triggers(fn, props, fcKeys)
}

// fcFunctionBlock reads props.function.
func (p *parser) fcFunctionBlock(fn *Function, f *fieldMap) {
	fn.Name = p.required(f, "name")
	p.scope.function = fn.Name
	fn.Description, _ = p.optString(f, "description")
	fn.Runtime = p.required(f, "runtime")
	fn.Handler, _ = p.optString(f, "handler")
	p.code(fn, f, "codeUri", "ossBucket", "ossKey", "src")
	p.sizing(fn, f)
	v, _ := f.get("customRuntimeConfig")
	if crc, ok := p.mapping(v); ok {
		p.checkKeys(crc, "command", "args")
		p.command(fn, crc)
	}
	v, _ = f.get("caPort")
	fn.Port, _ = p.asRange(v, 1, math.MaxUint16)
	p.fcLifecycle(fn, f)
}

// fcLifecycle reads initializer + initializationTimeout and
// instanceLifecycleConfig.preStop. preFreeze has no FC 3.0 counterpart
// (fc3's s2tos3 drops it: github.com/devsapp/fc3
// src/subCommands/2to3/index.ts) and is a warning.
func (p *parser) fcLifecycle(fn *Function, f *fieldMap) {
	if h, ok := p.optString(f, "initializer"); ok && h != "" {
		tv, _ := f.get("initializationTimeout")
		fn.Initializer = &Hook{Handler: h}
		fn.Initializer.Timeout, _ = p.asSeconds(tv, 1, math.MaxInt32)
	} else if _, ok := f.get("initializationTimeout"); ok {
		p.warnf(f.lineOf("initializationTimeout"), join(f.path, "initializationTimeout"), "set without initializer")
	}
	v, _ := f.get("instanceLifecycleConfig")
	lc, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(lc, "preStop", "preFreeze")
	sv, _ := lc.get("preStop")
	fn.PreStop = p.hook(sv)
	if _, ok := lc.get("preFreeze"); ok {
		p.warnf(lc.lineOf("preFreeze"), join(lc.path, "preFreeze"), "not supported in FC 3.0; not run locally")
	}
}
