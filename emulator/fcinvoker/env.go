package fcinvoker

import (
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"
)

// inherited are the variables an instance takes from the invoker's own
// environment. FC gives a function only its configured variables and its
// own; these few keep programs working on a developer's machine.
var inherited = []string{"PATH", "HOME", "USER", "TMPDIR", "TZ", "LANG", "LC_ALL", "SYSTEMROOT"}

// env returns the environment of inst: the inherited variables, then
// Function.Env, then Options.ExtraEnv, then FC's variables, each over the
// ones before.
func (i *Invoker) env(inst *instance) []string {
	m := make(map[string]string)
	for _, k := range inherited {
		if v, ok := os.LookupEnv(k); ok {
			m[k] = v
		}
	}
	maps.Copy(m, i.f.Env)
	maps.Copy(m, i.o.ExtraEnv)
	maps.Copy(m, i.systemEnv(inst))
	env := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		env = append(env, k+"="+m[k])
	}
	return env
}

// systemEnv returns the variables FC sets for a custom runtime, and
// ROCKETFN_HOST, which makes runtime/fn listen on loopback only.
func (i *Invoker) systemEnv(inst *instance) map[string]string {
	port := strconv.Itoa(inst.port)
	m := map[string]string{
		"FC_FUNCTION_NAME":        i.f.Name,
		"FC_FUNCTION_HANDLER":     i.f.Handler,
		"FC_FUNCTION_MEMORY_SIZE": strconv.Itoa(i.f.MemoryMB),
		"FC_TIMEOUT":              seconds(i.f.Timeout),
		"FC_RUNTIME":              "custom",
		"FC_INSTANCE_ID":          inst.id,
		"FC_CUSTOM_LISTEN_PORT":   port,
		"FC_SERVER_PORT":          port,
		"PORT":                    port,
		"FC_FUNC_CODE_PATH":       i.f.Dir,
		"FC_SERVER_PATH":          i.f.Dir,
		"ROCKETFN_HOST":           "127.0.0.1",
	}
	setNonEmpty(m, "FC_REGION", i.o.Region)
	setNonEmpty(m, "FC_ACCOUNT_ID", i.o.AccountID)
	c := i.credentials()
	setNonEmpty(m, "ALIBABA_CLOUD_ACCESS_KEY_ID", c.AccessKeyID)
	setNonEmpty(m, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", c.AccessKeySecret)
	setNonEmpty(m, "ALIBABA_CLOUD_SECURITY_TOKEN", c.SecurityToken)
	return m
}

// setHeaders sets the x-fc-* headers of a call to path on inst; timeout is
// the call's, told in x-fc-function-timeout.
func (i *Invoker) setHeaders(h http.Header, inst *instance, requestID, path string, timeout time.Duration) {
	h.Set("Content-Type", "application/octet-stream")
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	set("x-fc-request-id", requestID)
	set("x-fc-control-path", path)
	set("x-fc-invocation-type", "Sync")
	set("x-fc-function-name", i.f.Name)
	set("x-fc-function-handler", i.f.Handler)
	set("x-fc-function-memory", strconv.Itoa(i.f.MemoryMB))
	set("x-fc-function-timeout", seconds(timeout))
	set("x-fc-qualifier", "LATEST")
	set("x-fc-instance-id", inst.id)
	set("x-fc-region", i.o.Region)
	set("x-fc-account-id", i.o.AccountID)
	if path == "/initialize" {
		set("x-fc-initialization-timeout", seconds(timeout))
	}
	c := i.credentials()
	set("x-fc-access-key-id", c.AccessKeyID)
	set("x-fc-access-key-secret", c.AccessKeySecret)
	set("x-fc-security-token", c.SecurityToken)
}

func (i *Invoker) credentials() Credentials {
	if i.o.Credentials == nil {
		return Credentials{}
	}
	return i.o.Credentials()
}

// seconds renders d in whole seconds, rounded up, at least 1, as FC
// configures timeouts.
func seconds(d time.Duration) string {
	return strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
}

func setNonEmpty(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}
