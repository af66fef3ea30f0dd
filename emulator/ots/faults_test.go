package ots_test

import (
	"fmt"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

func TestFaults(t *testing.T) {
	srv, c := start(t, ots.Config{})
	logFaultSeed(t, srv)
	createTable(t, c, "t", 1, -1, strPK("id"))

	// Always busy: the SDK retries, gives up, and nothing is stored.
	srv.SetFaults([]ots.Fault{{Action: "PutRow", Code: ots.CodeServerBusy, Rate: 1}})
	err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_IGNORE, nil, "v", "x")
	wantCode(t, err, ots.CodeServerBusy)
	srv.SetFaults(nil)
	if getRow(t, c, "t", pk("id", "a")) != nil {
		t.Fatal("a failed request stored its row")
	}

	// Busy a third of the time: the SDK's retries get every write through once.
	srv.SetFaults([]ots.Fault{{Action: "PutRow", Code: ots.CodeServerBusy, Rate: 0.3}})
	for i := 0; i < 50; i++ {
		if err := put(c, "t", pk("id", fmt.Sprint(i)), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, nil, "v", int64(i)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}

	// A timeout after the write applied: the client sees an error, the row is there.
	srv.SetFaults([]ots.Fault{{Action: "PutRow", Code: ots.CodeTimeout, Rate: 1, After: true}})
	err = put(c, "t", pk("id", "late"), tablestore.RowExistenceExpectation_IGNORE, nil, "v", "x")
	wantCode(t, err, ots.CodeTimeout)
	srv.SetFaults(nil)
	if getRow(t, c, "t", pk("id", "late")) == nil {
		t.Fatal("a fault After the action lost the write")
	}

	// A bare 502 from a proxy: the SDK reports it as OTSServerUnavailable.
	srv.SetFaults([]ots.Fault{{Action: "GetRow", Status: 502, Rate: 1}})
	_, err = c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "t", PrimaryKey: pk("id", "1"), MaxVersion: 1}})
	wantCode(t, err, "OTSServerUnavailable")
	srv.SetFaults(nil)
	if got := getRow(t, c, "t", pk("id", "7"))["v"]; got != int64(7) {
		t.Fatalf("v = %v", got)
	}
}

// TestFaultSeedFromEnv: a server without a seed of its own takes the one
// FaultSeedEnv gives, and refuses one that is not a seed.
func TestFaultSeedFromEnv(t *testing.T) {
	t.Setenv(ots.FaultSeedEnv, "12345")
	srv, _ := start(t, ots.Config{})
	if got := srv.FaultSeed(); got != 12345 {
		t.Errorf("FaultSeed() = %d with %s=12345", got, ots.FaultSeedEnv)
	}
	srv, _ = start(t, ots.Config{FaultSeed: 7})
	if got := srv.FaultSeed(); got != 7 {
		t.Errorf("FaultSeed() = %d with Config.FaultSeed 7", got)
	}
	t.Setenv(ots.FaultSeedEnv, "x")
	if _, err := ots.New(ots.Config{}); err == nil {
		t.Errorf("New with %s=x: no error", ots.FaultSeedEnv)
	}
}
