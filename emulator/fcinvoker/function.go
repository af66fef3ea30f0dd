package fcinvoker

import (
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Defaults, as Function Compute 3.0 (fc3) applies them to a custom runtime.
const (
	DefaultPort         = 9000
	DefaultTimeout      = 3 * time.Second
	DefaultMemoryMB     = 512
	DefaultHandler      = "handler" // fc3 sets it when s.yaml omits it
	DefaultStartTimeout = 120 * time.Second
	DefaultStopGrace    = 5 * time.Second
	DefaultLogBytes     = 8 << 20
)

// Function is the configuration of one function, as s.yaml (fc3) gives it.
// Zero values take FC's defaults.
type Function struct {
	// Name is FC_FUNCTION_NAME and x-fc-function-name. Required.
	Name string
	// Dir is the code directory, FC's /code: the working directory of
	// the processes, FC_FUNC_CODE_PATH, and where Build runs.
	Dir string
	// Build makes Start run `go build -o <tmp>/bootstrap .` in Dir with
	// CGO_ENABLED=0. The binary replaces Command[0]; Command[1:] are kept
	// as its arguments.
	Build bool
	// Command is customRuntimeConfig.command followed by its args. A
	// relative path, or one under /code/, is taken relative to Dir; a bare
	// name not found in Dir is looked up in PATH. Empty means bootstrap
	// in Dir, as FC starts /code/bootstrap.
	Command []string
	// Handler is the function's handler setting: FC_FUNCTION_HANDLER and
	// x-fc-function-handler. Meaningless to a custom runtime; empty means
	// the command, joined by spaces.
	Handler string
	// Port is customRuntimeConfig.port (DefaultPort when 0). Each instance
	// listens on a free loopback port of its own instead, told in
	// FC_CUSTOM_LISTEN_PORT, FC_SERVER_PORT and PORT: a function must read
	// its port from the environment, as runtime/fn does.
	Port int
	// Env holds environmentVariables.
	Env map[string]string
	// Timeout is the invocation timeout (DefaultTimeout when 0). FC counts
	// whole seconds: x-fc-function-timeout is rounded up, while the
	// invoker enforces the exact duration.
	Timeout time.Duration
	// MemoryMB is told to the function (DefaultMemoryMB when 0), not enforced.
	MemoryMB int
	// InstanceConcurrency bounds the invocations one instance handles at
	// once (1 when 0).
	InstanceConcurrency int
	// MaxInstances bounds the instances running at once (1 when 0).
	MaxInstances int
	// Initializer makes the invoker POST /initialize once per instance,
	// before its first invocation, within InitializationTimeout (Timeout
	// when 0).
	Initializer           bool
	InitializationTimeout time.Duration
	// PreStop makes the invoker GET /pre-stop before it stops an instance
	// on Close, within PreStopTimeout (Timeout when 0).
	PreStop        bool
	PreStopTimeout time.Duration
}

// Credentials are the temporary STS credentials of the function's role.
type Credentials struct{ AccessKeyID, AccessKeySecret, SecurityToken string }

// Options configure the invoker around a function.
type Options struct {
	// Logger receives every line the processes write, and the invoker's
	// own events. Nil discards them.
	Logger *slog.Logger
	// Region and AccountID are FC_REGION and FC_ACCOUNT_ID, and the
	// x-fc-region and x-fc-account-id headers; empty ones are left out.
	Region, AccountID string
	// Credentials returns the role's credentials. They are sent with each
	// call (x-fc-access-key-id, x-fc-access-key-secret,
	// x-fc-security-token) and given to each instance at its start as
	// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
	// ALIBABA_CLOUD_SECURITY_TOKEN. It must be safe for concurrent use.
	// Nil means none.
	Credentials func() Credentials
	// ExtraEnv is merged into every instance's environment over
	// Function.Env: the endpoints of the local stack, for example.
	ExtraEnv map[string]string
	// StartTimeout bounds how long an instance may take to accept
	// connections (DefaultStartTimeout, FC's budget, when 0).
	StartTimeout time.Duration
	// StopGrace is how long Close waits after SIGTERM before SIGKILL
	// (DefaultStopGrace when 0).
	StopGrace time.Duration
	// LogBytes bounds the memory holding the logs of requests
	// (DefaultLogBytes when 0); the oldest requests' logs go first.
	LogBytes int
}

// withDefaults returns f with FC's defaults filled in, or an error naming
// what is wrong with it.
func (f Function) withDefaults() (Function, error) {
	if f.Name == "" {
		return f, fmt.Errorf("fcinvoker: function in %q has no name", f.Dir)
	}
	if f.Timeout < 0 || f.MemoryMB < 0 || f.InstanceConcurrency < 0 || f.MaxInstances < 0 || f.Port < 0 {
		return f, fmt.Errorf("fcinvoker: function %q: negative timeout, memory, concurrency, instances or port", f.Name)
	}
	dir, err := filepath.Abs(f.Dir)
	if err != nil {
		return f, fmt.Errorf("fcinvoker: function %q: code directory %q: %w", f.Name, f.Dir, err)
	}
	f.Dir = dir
	f.Port = orDefault(f.Port, DefaultPort)
	f.Timeout = orDefault(f.Timeout, DefaultTimeout)
	f.MemoryMB = orDefault(f.MemoryMB, DefaultMemoryMB)
	f.InstanceConcurrency = orDefault(f.InstanceConcurrency, 1)
	f.MaxInstances = orDefault(f.MaxInstances, 1)
	f.InitializationTimeout = orDefault(f.InitializationTimeout, f.Timeout)
	f.PreStopTimeout = orDefault(f.PreStopTimeout, f.Timeout)
	if len(f.Command) == 0 {
		f.Command = []string{"bootstrap"}
	}
	f.Command = append([]string(nil), f.Command...)
	if f.Handler == "" {
		f.Handler = strings.Join(f.Command, " ")
	}
	return f, nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.StartTimeout = orDefault(o.StartTimeout, DefaultStartTimeout)
	o.StopGrace = orDefault(o.StopGrace, DefaultStopGrace)
	o.LogBytes = orDefault(o.LogBytes, DefaultLogBytes)
	return o
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// resolveCommand returns the path of the program name names, FC's /code
// being dir.
func resolveCommand(fname, dir, name string) (string, error) {
	path := name
	if rest, ok := strings.CutPrefix(name, "/code/"); ok {
		path = filepath.Join(dir, rest)
	} else if !filepath.IsAbs(name) && (strings.ContainsRune(name, filepath.Separator) || exists(filepath.Join(dir, name))) {
		path = filepath.Join(dir, name)
	}
	found, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("fcinvoker: function %q: command %q: %w", fname, name, err)
	}
	return found, nil
}
