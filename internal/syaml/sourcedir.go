package syaml

import (
	"os"
	"path/filepath"
	"strings"
)

// SourceDir is the Go package a function's code directory is built from:
// the directory itself or the nearest of its two parents that holds Go
// files other than tests (code is often the build's output, such as
// target/). "" when none does.
func SourceDir(code string) string {
	for dir, i := code, 0; i < 3; dir, i = filepath.Dir(dir), i+1 {
		if HasGoFiles(dir) {
			return dir
		}
	}
	return ""
}

// SourceDir is SourceDir of f's code directory.
func (f *Function) SourceDir() string { return SourceDir(f.CodeDir) }

// HasGoFiles reports whether dir holds Go files other than tests.
func HasGoFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			return true
		}
	}
	return false
}
