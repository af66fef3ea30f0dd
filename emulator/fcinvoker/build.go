package fcinvoker

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// build compiles the main package in dir into out/bootstrap, as FC's
// custom runtime expects its binary, and returns the binary's path. The
// error names the function and the directory and carries the compiler's
// output.
func build(ctx context.Context, name, dir, out string) (string, error) {
	bin := filepath.Join(out, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	output, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("fcinvoker: build function %q in %s: %w\n%s", name, dir, err, bytes.TrimSpace(output))
	}
	return bin, nil
}

// command returns the command line of f's instances, building the binary
// into tmp first when f.Build is set.
func command(ctx context.Context, f Function, tmp string) ([]string, error) {
	cmd := append([]string(nil), f.Command...)
	if f.Build {
		bin, err := build(ctx, f.Name, f.Dir, tmp)
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
