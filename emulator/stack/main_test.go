package stack_test

import (
	"os"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
)

func TestMain(m *testing.M) {
	code := m.Run()
	rmqclient.Cleanup()
	os.Exit(code)
}
