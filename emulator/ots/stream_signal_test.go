package ots_test

import (
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

// TestStreamSignal: the channel StreamSignal returns is closed by a
// committed stream record, whose read then finds it, and by a stream
// being enabled; a write to a table without a stream leaves it open.
func TestStreamSignal(t *testing.T) {
	srv, c := start(t, ots.Config{})
	createTable(t, c, "plain", 1, -1, strPK("id"))
	id, shard := createStreamTable(t, c, "changes", 24)
	it := iterator(t, c, id, shard)

	sig := srv.StreamSignal()
	putRow(t, c, "plain", pk("id", "a"), "v", int64(1))
	select {
	case <-sig:
		t.Fatal("signal closed by a write to a table without a stream")
	default:
	}
	putRow(t, c, "changes", pk("id", "a"), "v", int64(1))
	select {
	case <-sig:
	default:
		t.Fatal("signal still open after a stream record was committed")
	}
	if recs, _ := drain(t, c, it); len(recs) != 1 {
		t.Fatalf("read %d records after the signal, want 1", len(recs))
	}

	sig = srv.StreamSignal()
	_, err := c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "plain",
		StreamSpec: &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: 24}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-sig:
	default:
		t.Fatal("signal still open after a stream was enabled")
	}
}
