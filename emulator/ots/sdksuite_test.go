package ots_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	// The SDK's suite is a gocheck suite: the blank import keeps its
	// module in go.mod, where go test of the SDK's package needs it.
	_ "gopkg.in/check.v1"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

// sdkStreamTests are the stream tests of the Tablestore Go SDK's own suite
// (tablestore/api_test.go, a gocheck suite).
var sdkStreamTests = []string{"TestListStream", "TestCreateTableWithStream", "TestStream"}

// TestSDKStreamSuite runs the SDK's own stream tests, unchanged, against a
// local server: `go test` of the SDK's package, with the endpoint,
// instance and access key its SetUpSuite reads from OTS_TEST_*. Its
// SetUpSuite also creates the suite's two tables. To run the same by hand
// against a server you started:
//
//	OTS_TEST_ENDPOINT=... OTS_TEST_INSTANCENAME=... OTS_TEST_KEYID=... OTS_TEST_SECRET=... \
//	go test github.com/aliyun/aliyun-tablestore-go-sdk/tablestore -run '^Test$' \
//	  -check.v -check.f 'TestListStream|TestCreateTableWithStream|TestStream'
func TestSDKStreamSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the SDK's test binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command runs the SDK's tests: %v", err)
	}
	srv, _ := start(t, ots.Config{})
	cred := srv.Credentials()
	cmd := exec.CommandContext(t.Context(), goBin, "test", "-count=1", "-v", "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore",
		"-run", "^Test$", "-check.v", "-check.f", "^("+strings.Join(sdkStreamTests, "|")+")$")
	cmd.Env = append(os.Environ(),
		"OTS_TEST_ENDPOINT="+srv.Endpoint(),
		"OTS_TEST_INSTANCENAME="+srv.Instance(),
		"OTS_TEST_KEYID="+cred.AccessKeyID,
		"OTS_TEST_SECRET="+cred.AccessKeySecret,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the SDK's stream tests failed: %v\n%s", err, out)
	}
	for _, name := range sdkStreamTests {
		if !regexp.MustCompile(`(?m)^PASS: api_test\.go:\d+: TableStoreSuite\.` + name + `\b`).Match(out) {
			t.Errorf("%s did not pass:\n%s", name, out)
		}
	}
	if !regexp.MustCompile(`(?m)^OK: 3 passed$`).Match(out) {
		t.Errorf("the suite did not run exactly the 3 stream tests:\n%s", out)
	}
}
