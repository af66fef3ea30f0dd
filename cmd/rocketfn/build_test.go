package main

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

// buildYAML is an s.yaml whose players function builds from the
// repository's functions/players into the code directory %[2]s; python
// is skipped.
const buildYAML = `edition: 3.0.0
name: build-test
resources:
  players:
    component: fc3
    actions:
      pre-deploy:
        - run: GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -o target/bootstrap .
          path: %[1]s
    props:
      region: cn-hangzhou
      functionName: players
      runtime: custom.debian12
      code: %[2]s
      customRuntimeConfig:
        command: [/code/bin/players]
        port: 9000
  python:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: python
      runtime: python3.10
      code: ./python
      handler: index.handler
`

// TestBuildPlayers builds players into a temporary code directory and
// checks the binary is a static linux/amd64 ELF executable.
func TestBuildPlayers(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a function")
	}
	src, err := filepath.Abs(filepath.Join(repoRoot, "functions", "players"))
	if err != nil {
		t.Fatal(err)
	}
	code := t.TempDir()
	file := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(file, fmt.Appendf(nil, buildYAML, src, code), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if err := build(t.Context(), []string{"--file", file}, &out, &errs); err != nil {
		t.Fatalf("build: %v\n%s%s", err, out.String(), errs.String())
	}
	bin := filepath.Join(code, "bin", "players")
	for _, want := range []string{"players: building " + src + " (1 of 2)...", "players: built " + bin + " from " + src, "python: skipped", "1 of 2 functions built in "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("the binary is not ELF: %v", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
		t.Errorf("ELF machine %v, class %v, type %v; want an amd64 executable", f.Machine, f.Class, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader; want a static one (CGO_ENABLED=0)")
		}
	}
}

// TestBuildErrors checks an unknown --function and a function without
// Go source.
func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(file, fmt.Appendf(nil, buildYAML, dir, filepath.Join(dir, "target")), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := build(t.Context(), []string{"--file", file, "--function", "nope"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "it has players, python") {
		t.Errorf("unknown function: %v", err)
	}
	err = build(t.Context(), []string{"--file", file, "--function", "players"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "no Go source") {
		t.Errorf("no source: %v", err)
	}
}

// TestCodeSourceDir finds the package above a target directory, as
// emulator/stack does.
func TestCodeSourceDir(t *testing.T) {
	root := t.TempDir()
	pkg := filepath.Join(root, "fn")
	target := filepath.Join(pkg, "target")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := syaml.SourceDir(target); got != "" {
		t.Errorf("codeSourceDir without Go files = %q", got)
	}
	if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := syaml.SourceDir(target); got != pkg {
		t.Errorf("syaml.SourceDir(%s) = %q, want %q", target, got, pkg)
	}
	if got := syaml.SourceDir(filepath.Join(target, "a", "b")); got != "" {
		t.Errorf("codeSourceDir three levels down = %q, want none", got)
	}
}
