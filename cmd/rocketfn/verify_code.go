package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// fnImportPath is the package whose handler constructors verify looks for.
const fnImportPath = "github.com/rocketfn/rocketfn/runtime/fn"

// handlerScan is what verify learns from a function's Go source.
//
// It is a syntactic heuristic, without type checking: a call of
// fn.Typed, fn.TypedMessage or fn.TypedResult, a conversion to
// fn.HandlerFunc, or a method call .Handle(topic, tags, handler, ...)
// counts as a per-message handler; fn.TypedBatch, fn.TypedItems, fn.BatchFunc or
// .HandleBatch(topic, tags, handler, ...) as a batch handler (fn being
// whatever name the file imports runtime/fn as). A selector x.Event.y
// (m.Event.Source, m.Event.Attr(...)) counts as reading the CloudEvent
// attributes of a message. Only the package's non-test files in its
// directory are read, so handlers registered by another package are not
// seen, and a method named Handle with three or more arguments on another
// type is taken for fn.App's.
type handlerScan struct {
	dir    string
	single []string // where a per-message handler is made, "fn.Typed at dir/file.go:12"
	batch  []string // where a batch handler is
	event  []string // where CloudEvent attributes are read
}

// scanHandlers parses the Go files of dir.
func scanHandlers(dir string) (handlerScan, error) {
	s := handlerScan{dir: dir}
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return s, err
	}
	fset := token.NewFileSet()
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return s, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return s, fmt.Errorf("parse %s: %w", path, err)
		}
		s.inspect(fset, f, fnImportName(f))
	}
	return s, nil
}

// fnImportName is the name f refers to runtime/fn by; "" when f does not
// import it.
func fnImportName(f *ast.File) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == fnImportPath {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return "fn"
		}
	}
	return ""
}

// Selectors of package fn that make a per-message or a batch handler.
var (
	singleCtors = map[string]bool{"Typed": true, "TypedMessage": true, "TypedResult": true, "HandlerFunc": true}
	batchCtors  = map[string]bool{"TypedBatch": true, "TypedItems": true, "BatchFunc": true}
)

// inspect records the handlers and CloudEvent reads of f.
func (s *handlerScan) inspect(fset *token.FileSet, f *ast.File, fnName string) {
	at := func(n ast.Node, what string) string {
		p := fset.Position(n.Pos())
		return fmt.Sprintf("%s at %s:%d", what, p.Filename, p.Line)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok && fnName != "" && id.Name == fnName {
				if singleCtors[x.Sel.Name] {
					s.single = append(s.single, at(x, "fn."+x.Sel.Name))
				}
				if batchCtors[x.Sel.Name] {
					s.batch = append(s.batch, at(x, "fn."+x.Sel.Name))
				}
			}
			if inner, ok := x.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "Event" {
				s.event = append(s.event, at(x, "."+inner.Sel.Name+"."+x.Sel.Name))
			}
		case *ast.CallExpr:
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && len(x.Args) >= 3 {
				switch sel.Sel.Name {
				case "Handle":
					s.single = append(s.single, at(x, "Handle"))
				case "HandleBatch":
					s.batch = append(s.batch, at(x, "HandleBatch"))
				}
			}
		}
		return true
	})
}

// found reports whether any handler was seen.
func (s handlerScan) found() bool { return len(s.single)+len(s.batch) > 0 }
