package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// scanEventReads returns where the Go files of dir read the CloudEvent
// attributes of a message: a selector x.Event.y (m.Event.Source,
// m.Event.Attr(...)), as ".Event.Source at dir/file.go:12". It reads the
// syntax of the package's non-test files, without type checking: the
// routes report says what the function handles, not what its handlers
// read.
func scanEventReads(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var reads []string
	fset := token.NewFileSet()
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return reads, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return reads, fmt.Errorf("parse %s: %w", path, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if x, ok := n.(*ast.SelectorExpr); ok {
				if inner, ok := x.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "Event" {
					p := fset.Position(x.Pos())
					reads = append(reads, fmt.Sprintf(".%s.%s at %s:%d", inner.Sel.Name, x.Sel.Name, p.Filename, p.Line))
				}
			}
			return true
		})
	}
	return reads, nil
}
