package fcinvoker

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// A BuildError reports a failed go build of a function: Start and
// Reload return it.
type BuildError struct {
	Function string
	Dir      string // where go build ran
	Output   string // what go build printed: the compiler's errors
	Err      error  // how go build ended
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("fcinvoker: build function %q in %s: %v\n%s", e.Function, e.Dir, e.Err, e.Output)
}

func (e *BuildError) Unwrap() error { return e.Err }

// build compiles the main package in dir into out/bootstrap, as FC's
// custom runtime expects its binary, and returns the binary's path. A
// failure is a *BuildError.
func build(ctx context.Context, name, dir, out string) (string, error) {
	bin := filepath.Join(out, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	output, err := cmd.CombinedOutput()
	if err != nil {
		return "", &BuildError{Function: name, Dir: dir, Output: string(bytes.TrimSpace(output)), Err: err}
	}
	return bin, nil
}

// command returns the command line of f's instances, building the binary
// into out first when f.Build is set.
func command(ctx context.Context, f Function, out string) ([]string, error) {
	cmd := append([]string(nil), f.Command...)
	if f.Build {
		bin, err := build(ctx, f.Name, f.Dir, out)
		if err != nil {
			return nil, err
		}
		cmd[0] = bin
		return cmd, nil
	}
	path, err := resolveCommand(f.Name, f.Dir, cmd[0])
	if err != nil {
		return nil, err
	}
	cmd[0] = path
	return cmd, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
