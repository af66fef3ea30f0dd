package syaml

import "math"

// fc3Function reads the props of an fc3 resource (edition 3.0.0,
// github.com/devsapp/fc3 __tests__/complete-props.yaml): functionName, runtime, handler, code, timeout, memorySize,
// instanceConcurrency, environmentVariables, customRuntimeConfig,
// instanceLifecycleConfig, role, vpcConfig and triggers.
func (p *parser) fc3Function(fn *Function, props *fieldMap) {
	fn.Name = p.required(props, "functionName")
	p.scope.function = fn.Name
	fn.Region, _ = p.optString(props, "region")
	fn.Description, _ = p.optString(props, "description")
	fn.Runtime = p.required(props, "runtime")
	fn.Handler, _ = p.optString(props, "handler")
	fn.Role, _ = p.optString(props, "role")
	p.code(fn, props, "code", "ossBucketName", "ossObjectName", "")
	p.sizing(fn, props)
	p.fc3CustomRuntime(fn, props)
	p.fc3Lifecycle(fn, props)
	fn.VPC = p.vpc(props, "vSwitchIds")
	fn.Triggers = p.triggers(fn, props, fc3Keys)
}

// fc3CustomRuntime reads customRuntimeConfig: command, args, port.
func (p *parser) fc3CustomRuntime(fn *Function, props *fieldMap) {
	v, _ := props.get("customRuntimeConfig")
	crc, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(crc, "command", "args", "port", "healthCheckConfig")
	p.command(fn, crc)
	pv, _ := crc.get("port")
	fn.Port, _ = p.asRange(pv, 1, math.MaxUint16)
}

// fc3Lifecycle reads instanceLifecycleConfig: initializer and preStop,
// each {handler, timeout}.
func (p *parser) fc3Lifecycle(fn *Function, props *fieldMap) {
	v, _ := props.get("instanceLifecycleConfig")
	lc, ok := p.mapping(v)
	if !ok {
		return
	}
	p.checkKeys(lc, "initializer", "preStop")
	iv, _ := lc.get("initializer")
	fn.Initializer = p.hook(iv)
	sv, _ := lc.get("preStop")
	fn.PreStop = p.hook(sv)
}
