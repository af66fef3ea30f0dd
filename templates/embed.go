// Package templates holds the files "rocketfn new" renders: one directory
// per template (basic, tablestore, batch, ordered), each with main.go,
// handler.go, handler_test.go, doc.go and testdata/event.json as
// text/template files ending in .tmpl; resource.yaml.tmpl, the function's
// fc3 resource with its EventBridge trigger, which "rocketfn new" appends
// to the resources of s.yaml; s.yaml.tmpl, the file it starts when the
// project has none; and project/, the go.mod, README.md and .gitignore
// (gitignore.tmpl) of a project "rocketfn init" creates.
//
// The templates are executed with cmd/rocketfn's newData: .Name, .Title,
// .Template, .Description, .Topic, .Tag (the tag expression), .SampleTag,
// .Mode (the trigger's), .Table, .EnvPrefix, and the values as s.yaml
// spells them, .Region, .MQInstance, .TablestoreEndpoint and
// .TablestoreInstance. s.yaml.tmpl takes .Project only, and project/
// cmd/rocketfn's projectData: .Module, .GoVersion, .Version and .Replace
// (how go.mod takes rocketfn), and the first function's .Name, .Template,
// .Topic, .SampleTag and .SampleBody. Their functions:
//
//	quote S          S as a Go string literal
//	yamlQuote S      S as a single-quoted YAML scalar
//	pad S N          spaces that take S to N columns, at least one
//	msg BODY         a sample message
//	keyed KEY BODY   a sample message with keys and sharding key KEY
//	events . MSG...  the payload of the messages as the trigger delivers
//	                 it, in the shape the local EventBridge builds
//
// Go files are gofmt-ed after rendering. Go code in a template must not
// hold "{{" (write composite literals of composite literals over two
// lines).
package templates

import "embed"

// FS holds the template files.
//
//go:embed s.yaml.tmpl resource.yaml.tmpl basic tablestore batch ordered project
var FS embed.FS

// Names are the templates "rocketfn new --template" takes, the default
// first.
var Names = []string{"basic", "tablestore", "batch", "ordered"}
