package stack

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// hotProject is a copy of a project outside this module: a module of its
// own with testdata/hotfn as its function, which imports this module's
// runtime through a replace directive, and testdata/hot.yaml as s.yaml.
type hotProject struct {
	repo    string // this module's root, the replacement
	dir     string // the copy's module root
	fnDir   string // the function's package
	records string // the file the function appends to
	yaml    string
}

func newHotProject(t testing.TB) *hotProject {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := &hotProject{repo: repo, dir: dir, fnDir: filepath.Join(dir, "fn"), records: filepath.Join(dir, "hot.jsonl"), yaml: filepath.Join(dir, "s.yaml")}
	gomod := readFile(t, filepath.Join(repo, "go.mod"))
	gomod = strings.Replace(gomod, "module github.com/rocketfn/rocketfn", "module example.com/hot", 1) +
		"\nrequire github.com/rocketfn/rocketfn v0.0.0-00010101000000-000000000000\n\nreplace github.com/rocketfn/rocketfn => " + repo + "\n"
	writeTestFile(t, filepath.Join(dir, "go.mod"), gomod)
	writeTestFile(t, filepath.Join(dir, "go.sum"), readFile(t, filepath.Join(repo, "go.sum")))
	if err := os.Mkdir(p.fnDir, 0o755); err != nil {
		t.Fatal(err)
	}
	p.setVersion(t, "version-1")
	yaml := strings.NewReplacer("HOTFN_DIR", p.fnDir, "RECORDS_DIR", dir).Replace(readFile(t, filepath.Join("testdata", "hot.yaml")))
	writeTestFile(t, p.yaml, yaml)
	return p
}

// setVersion writes the function's source with version v.
func (p *hotProject) setVersion(t testing.TB, v string) {
	t.Helper()
	src := readFile(t, filepath.Join("testdata", "hotfn", "main.go"))
	writeTestFile(t, filepath.Join(p.fnDir, "main.go"), strings.Replace(src, `"version-1"`, `"`+v+`"`, 1))
}

// start starts the stack of the project with Config.Watch.
func (p *hotProject) start(t testing.TB, edit func(*Config)) *Stack {
	t.Helper()
	proj, err := syaml.Load(p.yaml)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Project: proj, Watch: true}
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return s
}

// hotRecord is a line of the function's record file.
type hotRecord struct{ Body, Version string }

func (p *hotProject) recorded(t testing.TB) []hotRecord {
	t.Helper()
	b, err := os.ReadFile(p.records)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var rs []hotRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r hotRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("record %q: %v", sc.Text(), err)
		}
		rs = append(rs, r)
	}
	return rs
}

// TestWatchReloadsEditedFunction edits the function of a copy of a
// project while messages flow to it: a change that does not compile is
// reported (in Builds and BuildOutput) and the running build goes on
// handling the messages; the fixed change takes over. Every message is
// handled once, none fails, and once the new code has handled one, the
// old handles no more.
func TestWatchReloadsEditedFunction(t *testing.T) {
	p := newHotProject(t)
	var out syncBuffer
	s := p.start(t, func(c *Config) { c.BuildOutput = &out })
	if b := s.Builds(); len(b) != 1 || !b[0].OK || b[0].Function != "hot" || b[0].Generation != 1 {
		t.Fatalf("builds after Start: %+v", b)
	}

	cred := s.MQ.Credentials()
	producer := mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "").GetProducer("", "hot")
	stop := make(chan struct{})
	published := make(chan int, 1)
	go func() { // a message every 10 ms until stop
		n := 0
		defer func() { published <- n }()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := producer.PublishMessage(mq.PublishMessageRequest{MessageBody: fmt.Sprintf("m-%d", n)}); err != nil {
				t.Errorf("publish m-%d: %v", n, err)
				return
			}
			n++
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	count := func(version string) func() bool {
		base := countVersion(p.recorded(t), version)
		return func() bool { return countVersion(p.recorded(t), version) >= base+5 }
	}
	testwait.Until(t, 90*time.Second, "messages handled by version-1", count("version-1"))

	writeTestFile(t, filepath.Join(p.fnDir, "main.go"), "package main\n\nfunc main() { undefinedFunction() }\n")
	testwait.Until(t, 90*time.Second, "the failed rebuild in Builds", func() bool { b := s.Builds(); return len(b) == 1 && !b[0].OK })
	if b := s.Builds()[0]; b.Generation != 1 || !strings.Contains(b.Error, "undefinedFunction") {
		t.Errorf("build status %+v, want the compiler's error with generation 1 serving", b)
	}
	if got := out.String(); !strings.Contains(got, "function hot: rebuild failed") || !strings.Contains(got, "undefined: undefinedFunction") {
		t.Errorf("build output %q, want the function's name and the compiler's error", got)
	}
	runtimeFile := filepath.Join(p.repo, "runtime", "fn", "app.go")
	if len(s.watcher.affected(runtimeFile)) != 1 {
		t.Errorf("after a build of code without imports, a change of %s no longer counts", runtimeFile)
	}
	testwait.Until(t, 90*time.Second, "messages handled by version-1 after the failed build", count("version-1"))

	p.setVersion(t, "version-2")
	testwait.Until(t, 90*time.Second, "messages handled by version-2", count("version-2"))
	testwait.Until(t, 90*time.Second, "the rebuild in Builds", func() bool { return s.Builds()[0].OK })
	if b := s.Builds()[0]; !b.OK || b.Generation != 2 || b.Error != "" {
		t.Errorf("build status %+v, want generation 2 serving", b)
	}
	close(stop)
	n := <-published
	testwait.Until(t, 90*time.Second, "every message handled", func() bool { return len(p.recorded(t)) >= n })

	rs := p.recorded(t)
	seen := map[string]int{}
	for _, r := range rs {
		seen[r.Body]++
	}
	for k := range n {
		if body := fmt.Sprintf("m-%d", k); seen[body] != 1 {
			t.Errorf("message %s handled %d times, want once", body, seen[body])
		}
	}
	if len(rs) != n {
		t.Errorf("%d records of %d messages", len(rs), n)
	}
	first := slices.IndexFunc(rs, func(r hotRecord) bool { return r.Version == "version-2" })
	if i := slices.IndexFunc(rs[first:], func(r hotRecord) bool { return r.Version != "version-2" }); i >= 0 {
		t.Errorf("record %d (%+v) comes from the old code after the new code's first", first+i, rs[first+i])
	}
	if st := s.Invokers["hot"].Stats(); st.Failures != 0 || st.Generation != 2 {
		t.Errorf("invoker stats %+v, want no failure and generation 2", st)
	}
	t.Logf("%d messages: %d by version-1, %d by version-2", n, countVersion(rs, "version-1"), countVersion(rs, "version-2"))
}

// TestWatchedSources: a function's sources are its own package, the
// local packages it imports (here through a replace directive), and the
// go.mod and go.sum files; not GOROOT nor the module cache. Only non-test
// Go files of those packages count, and the files go build ignores do
// not.
func TestWatchedSources(t *testing.T) {
	p := newHotProject(t)
	src, err := listSources(t.Context(), p.fnDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.fnDir, filepath.Join(p.repo, "runtime", "fn"), filepath.Join(p.repo, "runtime", "event")} {
		if !src.pkgDirs[d] {
			t.Errorf("package directory %s not watched", d)
		}
	}
	for _, f := range []string{filepath.Join(p.dir, "go.mod"), filepath.Join(p.dir, "go.sum"), filepath.Join(p.repo, "go.mod")} {
		if !src.files[f] {
			t.Errorf("file %s not watched", f)
		}
	}
	goroot := strings.TrimSpace(goEnv(t, "GOROOT"))
	modcache := strings.TrimSpace(goEnv(t, "GOMODCACHE"))
	for d := range src.dirs() {
		if strings.HasPrefix(d, goroot+string(filepath.Separator)) || strings.HasPrefix(d, modcache+string(filepath.Separator)) {
			t.Errorf("directory %s of GOROOT or the module cache watched", d)
		}
	}
	for path, want := range map[string]bool{
		filepath.Join(p.fnDir, "main.go"):                      true,
		filepath.Join(p.fnDir, "new.go"):                       true,
		filepath.Join(p.repo, "runtime", "fn", "app.go"):       true,
		filepath.Join(p.fnDir, "main_test.go"):                 false,
		filepath.Join(p.fnDir, ".main.go.swp"):                 false,
		filepath.Join(p.fnDir, ".#main.go"):                    false,
		filepath.Join(p.fnDir, "main.go~"):                     false,
		filepath.Join(p.fnDir, "hot.jsonl"):                    false,
		filepath.Join(p.dir, "go.mod"):                         true,
		filepath.Join(p.dir, "README.md"):                      false,
		filepath.Join(p.repo, "emulator", "stack", "stack.go"): false,
	} {
		if got := src.has(path); got != want {
			t.Errorf("a change of %s counts: %v, want %v", path, got, want)
		}
	}
	if _, err := listSources(t.Context(), t.TempDir()); err == nil {
		t.Error("listSources of a directory without a Go package succeeded")
	}
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func countVersion(rs []hotRecord, version string) int {
	n := 0
	for _, r := range rs {
		if r.Version == version {
			n++
		}
	}
	return n
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeTestFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
