package syaml

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Error is one problem in an s.yaml, at a line and a key path.
type Error struct {
	File string // the file name used in messages
	Line int
	Key  string // key path, e.g. "resources.players.props.timeout"
	Msg  string
}

// Error formats e as "file:line: key: message".
func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Key, e.Msg)
}

// ErrorList is every Error found in one file, ordered by line. Parse and
// Load return it as their error when the file is not usable.
type ErrorList []*Error

// Error joins the errors, one a line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the errors one by one, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// sorted returns l ordered by line, keeping the order of equal lines.
func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Line < l[j].Line })
	return l
}

// yamlLine finds the line a go.yaml.in/yaml error message names.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// syntaxError turns a YAML library error into an ErrorList naming the line.
func syntaxError(file string, err error) ErrorList {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			line = n
		}
		msg = strings.Replace(msg, m[0]+": ", "", 1)
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return ErrorList{{File: file, Line: line, Msg: msg}}
}
