package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// sources are the files a function is built from, as the watcher sees
// them: the directories of its local packages (any .go file there that is
// not a test counts) and single files (go.mod, go.sum, go.work, embedded
// files).
type sources struct {
	pkgDirs map[string]bool
	files   map[string]bool
}

// dirs returns the directories to watch for s.
func (s sources) dirs() map[string]bool {
	out := make(map[string]bool, len(s.pkgDirs)+len(s.files))
	for d := range s.pkgDirs {
		out[d] = true
	}
	for f := range s.files {
		out[filepath.Dir(f)] = true
	}
	return out
}

// union returns the sources of s and t.
func (s sources) union(t sources) sources {
	u := sources{pkgDirs: map[string]bool{}, files: map[string]bool{}}
	for _, x := range []sources{s, t} {
		maps.Copy(u.pkgDirs, x.pkgDirs)
		maps.Copy(u.files, x.files)
	}
	return u
}

// has reports whether a change of path changes what s builds.
func (s sources) has(path string) bool {
	if s.files[path] {
		return true
	}
	name := filepath.Base(path)
	return s.pkgDirs[filepath.Dir(path)] && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") &&
		!strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_") // go build ignores those, editors' temporary files among them
}

// listedPackage is what `go list -json` says of a package, in part.
type listedPackage struct {
	Dir        string
	ImportPath string
	Standard   bool
	EmbedFiles []string
	Module     *listedModule
}

type listedModule struct {
	Path, Version, Dir, GoMod string
	Main                      bool
	Replace                   *listedModule
}

// local reports whether the package's source is the developer's: in the
// main module (or a workspace module) or in a module replaced by a local
// directory, not in GOROOT or the module cache.
func (p listedPackage) local() bool {
	m := p.Module
	return !p.Standard && p.Dir != "" && m != nil && (m.Main || (m.Replace != nil && m.Replace.Version == ""))
}

// listSources finds the sources of the main package in dir with
// `go list -deps`, in the environment of the build (CGO_ENABLED=0).
func listSources(ctx context.Context, dir string) (sources, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-e", "-deps", "-json=Dir,ImportPath,Standard,Module,EmbedFiles", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return sources{}, fmt.Errorf("go list -deps in %s: %w\n%s", dir, err, bytes.TrimSpace(stderr.Bytes()))
	}
	src, err := parseSources(bytes.NewReader(out))
	if err != nil {
		return sources{}, fmt.Errorf("go list -deps in %s: %w", dir, err)
	}
	if work := goWork(ctx, dir); work != "" {
		src.files[work] = true
		src.files[work+".sum"] = true
	}
	return src, nil
}

// parseSources reads the stream of JSON objects `go list -json` prints.
func parseSources(r io.Reader) (sources, error) {
	src := sources{pkgDirs: map[string]bool{}, files: map[string]bool{}}
	dec := json.NewDecoder(r)
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return sources{}, err
		}
		if !p.local() {
			continue
		}
		src.pkgDirs[p.Dir] = true
		for _, f := range p.EmbedFiles {
			src.files[filepath.Join(p.Dir, f)] = true
		}
		for _, m := range []*listedModule{p.Module, p.Module.Replace} {
			if m != nil && m.GoMod != "" {
				src.files[m.GoMod] = true
				src.files[filepath.Join(filepath.Dir(m.GoMod), "go.sum")] = true
			}
		}
	}
	if len(src.pkgDirs) == 0 {
		return sources{}, errors.New("no package of the main module or a local replacement")
	}
	return src, nil
}

// goWork is the go.work file that applies in dir, "" if none.
func goWork(ctx context.Context, dir string) string {
	cmd := exec.CommandContext(ctx, "go", "env", "GOWORK")
	cmd.Dir = dir
	out, err := cmd.Output()
	if work := strings.TrimSpace(string(out)); err == nil && work != "off" {
		return work
	}
	return ""
}
