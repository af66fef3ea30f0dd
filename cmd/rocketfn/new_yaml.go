package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// insertResource adds block, a resource as YAML at column 0, at the end
// of the resources mapping of the s.yaml src, indented like the resources
// already there. The rest of the file is kept byte for byte: comments,
// blank lines, quoting, key order. The YAML is only read, to find where
// resources ends; the caller parses the result again to check it.
func insertResource(src []byte, block string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("read the YAML: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the file is not a YAML mapping")
	}
	top := doc.Content[0]
	lines := splitLinesKeep(src)
	eol := lineEnding(src)
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, val := top.Content[i], top.Content[i+1]
		switch key.Value {
		case "resources":
			at, indent, err := resourcesEnd(top, i, lines)
			if err != nil {
				return nil, err
			}
			text := indentBlock(block, indent, eol)
			if at > key.Line { // after other resources: a blank line between
				text = eol + text
			}
			return spliceLines(lines, at, text, eol), nil
		case "services":
			return nil, fmt.Errorf("line %d: services is the fc component's layout (edition 1.0.0); rocketfn new adds fc3 resources", val.Line)
		}
	}
	return spliceLines(lines, len(lines), eol+"resources:"+eol+indentBlock(block, 2, eol), eol), nil
}

// resourcesEnd returns the line index after which the new resource goes,
// and its indentation, for the resources key at top.Content[i].
func resourcesEnd(top *yaml.Node, i int, lines []string) (at, indent int, err error) {
	key, val := top.Content[i], top.Content[i+1]
	switch {
	case val.Kind == yaml.ScalarNode && val.Tag == "!!null" && val.Value != "":
		return 0, 0, fmt.Errorf("line %d: resources is set to %q; make it an empty mapping (resources: with nothing after it)", key.Line, val.Value)
	case val.Kind == yaml.ScalarNode && val.Tag == "!!null":
		return key.Line, key.Column + 1, nil
	case val.Kind != yaml.MappingNode:
		return 0, 0, fmt.Errorf("line %d: resources is not a mapping", key.Line)
	case val.Style&yaml.FlowStyle != 0:
		return 0, 0, fmt.Errorf("line %d: resources is written in flow style ({...}); rocketfn new appends to block mappings only", key.Line)
	case len(val.Content) == 0:
		return key.Line, key.Column + 1, nil
	}
	indent = val.Content[0].Column - 1
	end := len(lines) // the line index where what follows resources starts
	if i+2 < len(top.Content) {
		end = top.Content[i+2].Line - 1
	}
	for end > key.Line && belongsAfter(lines[end-1], indent) {
		end--
	}
	return end, indent, nil
}

// belongsAfter reports whether line, at the end of the resources block,
// belongs to what follows it: a blank line, or a comment indented less
// than the resources, which introduces the next top-level key.
func belongsAfter(line string, indent int) bool {
	trimmed := strings.TrimLeft(line, " ")
	if strings.TrimSpace(trimmed) == "" {
		return true
	}
	return strings.HasPrefix(trimmed, "#") && len(line)-len(trimmed) < indent
}

// indentBlock indents every non-empty line of block by n spaces, with the
// file's line ending.
func indentBlock(block string, n int, eol string) string {
	var b strings.Builder
	for line := range strings.Lines(block) {
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			b.WriteString(strings.Repeat(" ", n))
		}
		b.WriteString(line + eol)
	}
	return b.String()
}

// spliceLines inserts text after the first at lines.
func spliceLines(lines []string, at int, text, eol string) []byte {
	var b bytes.Buffer
	for _, l := range lines[:at] {
		b.WriteString(l)
	}
	if at > 0 && !strings.HasSuffix(lines[at-1], "\n") {
		b.WriteString(eol)
	}
	if at == 0 || strings.TrimSpace(lines[at-1]) == "" {
		text = strings.TrimPrefix(text, eol) // no second blank line
	}
	b.WriteString(text)
	for _, l := range lines[at:] {
		b.WriteString(l)
	}
	return b.Bytes()
}

// splitLinesKeep splits src into lines that keep their line endings.
func splitLinesKeep(src []byte) []string {
	var lines []string
	for line := range strings.Lines(string(src)) {
		lines = append(lines, line)
	}
	return lines
}

// lineEnding is the file's line ending: \r\n if its first line has one.
func lineEnding(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}
