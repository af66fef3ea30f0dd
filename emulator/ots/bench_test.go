package ots_test

// Side-by-side benchmarks for the README: a durable server (a data
// directory, fsync on) driven over loopback by the official SDK, and bbolt
// used directly, with fsync, for the same rows. Every benchmark reports
// rows/s; bench.sh runs them and prints the ratios between them.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

const (
	benchTable      = "bench"
	benchColumns    = 4   // attribute columns per row
	benchColumnSize = 50  // bytes per column value: rows of about 200 bytes
	benchBatch      = 200 // rows per BatchWriteRow, the service's limit
	benchRange      = 1000
	benchWriters    = 32 // concurrent PutRow callers
)

var (
	benchValue   = strings.Repeat("v", benchColumnSize)
	benchColumn  = [benchColumns]string{"c0", "c1", "c2", "c3"}
	benchRawName = []byte("rows")
)

// benchID is the string primary key of row n; ids sort in the order of n.
func benchID(n uint64) string { return fmt.Sprintf("row-%012d", n) }

// benchChange is the PutRow change of row n: a string primary key and
// four 50-byte string columns.
func benchChange(n uint64) *tablestore.PutRowChange {
	ch := &tablestore.PutRowChange{TableName: benchTable, PrimaryKey: pk("id", benchID(n))}
	for _, name := range benchColumn {
		ch.AddColumn(name, benchValue)
	}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	return ch
}

// startBench serves a durable instance (fsync on) from a fresh directory
// and creates the bench table.
func startBench(b *testing.B) *tablestore.TableStoreClient {
	b.Helper()
	_, c := start(b, ots.Config{Dir: b.TempDir()})
	createTable(b, c, benchTable, 1, -1, strPK("id"))
	return c
}

// reportRows reports rows per second of timed work.
func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// perProc is the RunParallel parallelism that yields about n goroutines.
func perProc(n int) int {
	p := runtime.GOMAXPROCS(0)
	return (n + p - 1) / p
}

// BenchmarkPutRow measures single-row PutRows: one client waiting for
// each answer, then about 32 goroutines sharing one client, whose writes
// the server group commits.
func BenchmarkPutRow(b *testing.B) {
	b.Run("sequential", func(b *testing.B) {
		c, seq := startBench(b), uint64(0)
		for b.Loop() {
			seq++
			if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: benchChange(seq)}); err != nil {
				b.Fatal(err)
			}
		}
		reportRows(b, b.N)
	})
	for _, sync := range []bool{true, false} {
		name := "concurrent32"
		if !sync {
			name += "/nosync" // the ceiling without fsync: what group commit can reach
		}
		b.Run(name, func(b *testing.B) {
			_, c := start(b, ots.Config{Dir: b.TempDir(), NoSync: !sync})
			createTable(b, c, benchTable, 1, -1, strPK("id"))
			seq := new(atomic.Uint64)
			b.SetParallelism(perProc(benchWriters))
			b.ResetTimer()
			b.RunParallel(func(p *testing.PB) {
				for p.Next() { // one shared client, as applications use it; nothing here retries

					if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: benchChange(seq.Add(1))}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportRows(b, b.N)
		})
	}
}

// BenchmarkBatchWriteRow measures BatchWriteRows of 200 new rows each.
func BenchmarkBatchWriteRow(b *testing.B) {
	b.Run("200", func(b *testing.B) {
		c, seq := startBench(b), uint64(0)
		for b.Loop() {
			writeBatch(b, c, seq)
			seq += benchBatch
		}
		reportRows(b, b.N*benchBatch)
	})
	b.Run("200/server", func(b *testing.B) {
		srv, c := start(b, ots.Config{Dir: b.TempDir()})
		createTable(b, c, benchTable, 1, -1, strPK("id"))
		bodies := make([][]byte, b.N)
		for i := range bodies {
			bodies[i] = batchBody(b, uint64(i*benchBatch))
		}
		hc := &http.Client{}
		b.ResetTimer()
		for _, body := range bodies {
			req, _ := http.NewRequest(http.MethodPost, srv.Endpoint()+"/BatchWriteRow", bytes.NewReader(body))
			sign(req.Header, srv, "BatchWriteRow", body)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("BatchWriteRow: status %d", resp.StatusCode)
			}
		}
		reportRows(b, b.N*benchBatch)
	})
}

// batchBody is the BatchWriteRowRequest the SDK sends for rows first+1 to
// first+200, encoded ahead so that the server's work alone is timed.
func batchBody(b *testing.B, first uint64) []byte {
	t := &pb.TableInBatchWriteRowRequest{TableName: proto.String(benchTable)}
	for i := range uint64(benchBatch) {
		t.Rows = append(t.Rows, &pb.RowInBatchWriteRowRequest{
			Type:      pb.OperationType_PUT.Enum(),
			RowChange: benchChange(first + i + 1).Serialize(),
			Condition: &pb.Condition{RowExistence: pb.RowExistenceExpectation_IGNORE.Enum()},
		})
	}
	return mustMarshal(b, &pb.BatchWriteRowRequest{Tables: []*pb.TableInBatchWriteRowRequest{t}})
}

// writeBatch writes rows first+1 to first+200 in one BatchWriteRow.
func writeBatch(b *testing.B, c *tablestore.TableStoreClient, first uint64) {
	req := &tablestore.BatchWriteRowRequest{}
	for i := range uint64(benchBatch) {
		req.AddRowChange(benchChange(first + i + 1))
	}
	resp, err := c.BatchWriteRow(req)
	if err != nil {
		b.Fatal(err)
	}
	rows := resp.TableToRowsResult[benchTable]
	if len(rows) != benchBatch {
		b.Fatalf("BatchWriteRow answered %d rows, want %d", len(rows), benchBatch)
	}
	for _, r := range rows {
		if !r.IsSucceed {
			b.Fatalf("BatchWriteRow row %d: %s %s", r.Index, r.Error.Code, r.Error.Message)
		}
	}
}

// BenchmarkGetRange measures reading a table of 1000 rows from end to
// end, following NextStartPrimaryKey.
func BenchmarkGetRange(b *testing.B) {
	b.Run("1000", func(b *testing.B) {
		c := startBench(b)
		for first := uint64(0); first < benchRange; first += benchBatch {
			writeBatch(b, c, first)
		}
		for b.Loop() {
			if n := scanTable(b, c); n != benchRange {
				b.Fatalf("GetRange read %d rows, want %d", n, benchRange)
			}
		}
		reportRows(b, b.N*benchRange)
	})
}

// scanTable reads every row of the bench table and returns how many there
// were.
func scanTable(b *testing.B, c *tablestore.TableStoreClient) int {
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	start.AddPrimaryKeyColumnWithMinValue("id")
	end.AddPrimaryKeyColumnWithMaxValue("id")
	n := 0
	for start != nil {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName:       benchTable,
			StartPrimaryKey: start,
			EndPrimaryKey:   end,
			MaxVersion:      1,
		}})
		if err != nil {
			b.Fatal(err)
		}
		n += len(resp.Rows)
		start = resp.NextStartPrimaryKey
	}
	return n
}

// BenchmarkRawBolt measures bbolt alone, durable (fsync on), writing the
// rows the server stores for the same changes: the store key of the
// primary key and the row's plain-buffer encoding with timestamps. put1
// writes one row per transaction, put200 200 rows per transaction.
func BenchmarkRawBolt(b *testing.B) {
	for _, perTx := range []int{1, benchBatch} {
		b.Run(fmt.Sprintf("put%d", perTx), func(b *testing.B) {
			db, seq := openRawBolt(b), uint64(0)
			for b.Loop() {
				err := db.Update(func(tx *bolt.Tx) error {
					bk, err := tx.CreateBucketIfNotExists(benchRawName)
					if err != nil {
						return err
					}
					for range perTx {
						seq++
						if err := bk.Put(rawKey(seq), rawRow(seq)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			reportRows(b, b.N*perTx)
		})
	}
}

// openRawBolt opens a bbolt file in a fresh directory with the options the
// server's store uses.
func openRawBolt(b *testing.B) *bolt.DB {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// rawKey is the server's store key for row n: a value marker, the id, and
// the string terminator.
func rawKey(n uint64) []byte {
	k := append([]byte{0x01}, benchID(n)...)
	return append(k, 0x00, 0x01)
}

// rawRow is the stored encoding of row n: its primary key and four
// timestamped cells.
func rawRow(n uint64) []byte {
	ts := time.Now().UnixMilli()
	r := plainbuf.Row{PrimaryKey: []plainbuf.Cell{{Name: "id", Value: plainbuf.Str(benchID(n)), HasValue: true}}}
	for _, name := range benchColumn {
		r.Cells = append(r.Cells, plainbuf.Cell{Name: name, Value: plainbuf.Str(benchValue), HasValue: true, Timestamp: ts, HasTimestamp: true})
	}
	return plainbuf.Append(nil, r)
}

// TestBenchRawRow checks that the raw benchmark writes what the server
// stores for a benchmark row: the same key, and a value of the same size
// (the timestamps differ).
func TestBenchRawRow(t *testing.T) {
	dir := t.TempDir()
	srv, err := ots.New(ots.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	c := client(srv, endpoint, srv.Credentials())
	createTable(t, c, benchTable, 1, -1, strPK("id"))
	_, err = c.PutRow(&tablestore.PutRowRequest{PutRowChange: benchChange(1)})
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.db"))
	if len(files) != 1 {
		t.Fatalf("data files = %v, want one", files)
	}
	db, err := bolt.Open(files[0], 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored []byte
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, bk *bolt.Bucket) error {
			if v := bk.Get(rawKey(1)); v != nil {
				stored = append([]byte(nil), v...)
			}
			return nil
		})
	})
	if want := len(rawRow(1)); len(stored) != want {
		t.Fatalf("server stored %d bytes under the raw key, raw benchmark writes %d", len(stored), want)
	}
}
