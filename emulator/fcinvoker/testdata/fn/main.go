// Command fn is the function the tests of fcinvoker run. Each message's
// body says what to do:
//
//	ok     answer what the function sees of its invocation
//	fail   fail the message
//	sleep  sleep past any timeout
//	crash  exit with status 3
//	hold   answer after 300ms, counting how many calls overlap
//
// With INIT_FILE or PRESTOP_FILE set, the initializer or the preStop hook
// appends the instance ID to that file; with INIT_FAIL set, the
// initializer fails.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// Reply is what the function answers for each message.
type Reply struct {
	Body           string            `json:"body"`
	RequestID      string            `json:"requestId"`
	Function       string            `json:"function"`
	Handler        string            `json:"handler"`
	Memory         int               `json:"memory"`
	Timeout        string            `json:"timeout"`
	Region         string            `json:"region"`
	AccountID      string            `json:"accountId"`
	AccessKeyID    string            `json:"accessKeyId"`
	SecurityToken  string            `json:"securityToken"`
	EnvAccessKeyID string            `json:"envAccessKeyId"`
	Instance       string            `json:"instance"`
	PID            int               `json:"pid"`
	Peak           int64             `json:"peak"`
	Env            map[string]string `json:"env"`
}

var envNames = []string{
	"FC_FUNCTION_NAME", "FC_FUNCTION_HANDLER", "FC_FUNCTION_MEMORY_SIZE", "FC_REGION", "FC_ACCOUNT_ID",
	"FC_INSTANCE_ID", "FC_CUSTOM_LISTEN_PORT", "FC_SERVER_PORT", "PORT", "FC_FUNC_CODE_PATH",
	"ROCKETFN_HOST", "ALIBABA_CLOUD_SECURITY_TOKEN", "GREETING", "ENDPOINT",
}

var inflight, peak atomic.Int64

func handle(ctx context.Context, body string) (Reply, error) {
	slog.InfoContext(ctx, "handling", "body", body)
	switch body {
	case "fail":
		return Reply{}, errors.New("failing on purpose")
	case "sleep":
		time.Sleep(time.Minute)
	case "crash":
		os.Exit(3)
	case "hold":
		hold()
	}
	return reply(ctx, body), nil
}

// hold waits a while, noting the most calls seen at once.
func hold() {
	n := inflight.Add(1)
	defer inflight.Add(-1)
	for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
	}
	time.Sleep(300 * time.Millisecond)
}

func reply(ctx context.Context, body string) Reply {
	inv, _ := fn.FromContext(ctx)
	r := Reply{
		Body: body, RequestID: inv.RequestID, Function: inv.Function.Name, Handler: inv.Function.Handler,
		Memory: inv.Function.Memory, Timeout: inv.Function.Timeout.String(), Region: inv.Region,
		AccountID: inv.AccountID, AccessKeyID: inv.Credentials.AccessKeyID, SecurityToken: inv.Credentials.SecurityToken,
		EnvAccessKeyID: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), Instance: os.Getenv("FC_INSTANCE_ID"),
		PID: os.Getpid(), Peak: peak.Load(), Env: map[string]string{},
	}
	for _, k := range envNames {
		r.Env[k] = os.Getenv(k)
	}
	return r
}

// appendInstance returns a hook that appends the instance ID to the file
// the variable env names.
func appendInstance(env string) func(context.Context) error {
	return func(ctx context.Context) error {
		slog.InfoContext(ctx, "hook", "file", env)
		if os.Getenv("INIT_FAIL") != "" && env == "INIT_FILE" {
			return errors.New("initializer failing on purpose")
		}
		path := os.Getenv(env)
		if path == "" {
			return nil
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString(os.Getenv("FC_INSTANCE_ID") + "\n")
		return err
	}
}

func main() {
	logger := slog.New(fn.LogHandler(slog.NewTextHandler(os.Stderr, nil)))
	slog.SetDefault(logger)
	app := fn.New(fn.WithLogger(logger),
		fn.WithInitializer(appendInstance("INIT_FILE")), fn.WithPreStop(appendInstance("PRESTOP_FILE")))
	app.Handle("*", "*", fn.TypedResult(handle))
	fn.Start(app)
}
