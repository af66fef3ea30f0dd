package ots_test

import (
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/internal/proctest"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// crashChildEnv, set to a data directory, makes the test binary a server
// process on that directory instead of running tests.
const crashChildEnv = "ROCKETFN_TABLESTORE_CHILD"

func init() {
	proctest.MaybeServe(crashChildEnv, func(dir string) (proctest.Server, error) {
		return ots.New(ots.Config{Dir: dir})
	})
}

// startCrashChild runs the test binary as a server on dir and returns it
// with its endpoint.
func startCrashChild(t *testing.T, dir string) (*proctest.Process, string) {
	t.Helper()
	return proctest.Start(t, crashChildEnv, dir)
}

// crashClient is an SDK client for a server process, retrying briefly.
func crashClient(endpoint string) *tablestore.TableStoreClient {
	cfg := tablestore.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = 200 * time.Millisecond
	return tablestore.NewClientWithConfig(endpoint, ots.DefaultInstance,
		ots.DefaultAccessKeyID, ots.DefaultAccessKeySecret, "", cfg)
}
