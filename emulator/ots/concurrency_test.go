package ots_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// TestConcurrentWriters runs 32 clients at once against a durable server:
// increments of one shared counter are all applied exactly once, inserts
// of one key succeed exactly once, and every row written is there.
func TestConcurrentWriters(t *testing.T) {
	srv, c := start(t, ots.Config{Dir: t.TempDir()})
	createTable(t, c, "t", 1, -1, strPK("id"))
	const writers, each = 32, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	inserted := 0
	errs := make(chan error, writers*each*3)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(srv, srv.Endpoint(), srv.Credentials()) // the SDK's retry backoff is not safe to share
			for i := 0; i < each; i++ {
				up := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk("id", "counter")}
				up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				up.IncrementColumn("n", 1)
				if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
					errs <- err
				}
				if err := put(c, "t", pk("id", fmt.Sprint(w, "-", i)), tablestore.RowExistenceExpectation_IGNORE, nil, "w", int64(w), "i", int64(i)); err != nil {
					errs <- err
				}
				err := put(c, "t", pk("id", fmt.Sprint("once-", i)), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, nil, "w", int64(w))
				switch otsCode(err) {
				case "":
					mu.Lock()
					inserted++
					mu.Unlock()
				case ots.CodeConditionCheckFail:
				default:
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := getRow(t, c, "t", pk("id", "counter"))["n"]; got != int64(writers*each) {
		t.Errorf("counter = %v, want %d", got, writers*each)
	}
	if inserted != each {
		t.Errorf("%d conditional inserts succeeded, want %d (one per key)", inserted, each)
	}
	for w := 0; w < writers; w++ {
		for i := 0; i < each; i++ {
			if got := getRow(t, c, "t", pk("id", fmt.Sprint(w, "-", i))); got["w"] != int64(w) || got["i"] != int64(i) {
				t.Fatalf("row %d-%d = %v", w, i, got)
			}
		}
	}
}
