package ots

import (
	"bytes"
	"slices"
	"sync"
	"time"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// txnLifetime is how long a local transaction lives before it is aborted.
const txnLifetime = 60 * time.Second

// txn is a local transaction: a lock on one partition-key value of a table
// and the writes made in it, applied together at commit. Reads in the
// transaction see its writes; others see them after commit.
type txn struct {
	id        string
	table     *table
	partition string
	deadline  time.Time

	mu      sync.Mutex
	writes  map[string]*row // store key -> row; nil row: deleted
	changes []streamChange  // for the table's stream, in the order applied
	stream  *stream         // the stream changes is for
	done    bool
}

type txnManager struct {
	s      *Server
	mu     sync.Mutex
	byID   map[string]*txn
	locked map[string]*txn // table name + partition key -> txn
}

func newTxnManager(s *Server) *txnManager {
	return &txnManager{s: s, byID: map[string]*txn{}, locked: map[string]*txn{}}
}

func lockKey(table, partition string) string { return table + "\x00" + partition }

func (m *txnManager) start(req *pb.StartLocalTransactionRequest) (answer, error) {
	t, err := m.s.tables.get(req.GetTableName())
	if err != nil {
		return nil, err
	}
	if t.index != nil {
		return nil, invalid("Table %q is an index table: local transactions are on data tables.", t.name)
	}
	key, err := decodeOneRow(req.GetKey(), "key")
	if err != nil {
		return nil, err
	}
	pk := key.PrimaryKey
	if len(pk) == 0 || pk[0].Name != t.pk[0].name || pk[0].Value.Type != t.pk[0].typ {
		return nil, invalid("The key of a local transaction must start with the partition key %q of type %s.", t.pk[0].name, t.pk[0].typ)
	}
	x := &txn{id: randomID(16), table: t, partition: partitionKey(pk), writes: map[string]*row{}}
	// The lock is taken in an Update, in line with the writes: those
	// applied before it are committed when Update returns, so the
	// transaction reads them; those after it see the lock.
	serr := m.s.store.Update(func(w kv.Writer) error {
		if _, err := m.s.liveTable(w, t); err != nil {
			return err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.reapLocked()
		lk := lockKey(t.name, x.partition)
		if _, busy := m.locked[lk]; busy {
			return errorf(CodeRowOperationConflict, "Data is being modified by the other request: the partition key is locked by another transaction.")
		}
		x.deadline = m.s.now().Add(txnLifetime)
		m.byID[x.id] = x
		m.locked[lk] = x
		return nil
	})
	if serr != nil {
		return nil, serr
	}
	return &pb.StartLocalTransactionResponse{TransactionId: proto.String(x.id)}, nil
}

// reapLocked aborts expired transactions. m.mu must be held.
func (m *txnManager) reapLocked() {
	now := m.s.now()
	for id, x := range m.byID {
		if now.After(x.deadline) {
			m.endLocked(id, x)
		}
	}
}

func (m *txnManager) endLocked(id string, x *txn) {
	delete(m.byID, id)
	delete(m.locked, lockKey(x.table.name, x.partition))
	x.mu.Lock()
	x.done = true
	x.mu.Unlock()
}

// lookup returns a live transaction.
func (m *txnManager) lookup(id string) (*txn, *Error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reapLocked()
	x, ok := m.byID[id]
	if !ok {
		return nil, invalid("Transaction %q does not exist, has ended or has expired.", id)
	}
	return x, nil
}

// checkUnlocked fails a write outside transactions to a locked partition.
func (m *txnManager) checkUnlocked(t *table, pk []plainbuf.Cell) *Error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reapLocked()
	if _, busy := m.locked[lockKey(t.name, partitionKey(pk))]; busy {
		return errorf(CodeRowOperationConflict, "Data is being modified by the other request: the partition key is locked by a transaction.")
	}
	return nil
}

func (m *txnManager) commit(req *pb.CommitTransactionRequest) (answer, error) {
	x, err := m.lookup(req.GetTransactionId())
	if err != nil {
		return nil, err
	}
	// The transaction ends within the Update, in line with the writes:
	// none of its own is accepted after its rows are taken, and none from
	// outside reaches its partition before they are applied.
	serr := m.s.store.Update(func(w kv.Writer) error {
		m.mu.Lock()
		m.reapLocked()
		live := m.byID[x.id] == x
		if live {
			m.endLocked(x.id, x)
		}
		m.mu.Unlock()
		if !live {
			return invalid("Transaction %q does not exist, has ended or has expired.", x.id)
		}
		t, err := m.s.liveTable(w, x.table)
		if err != nil {
			return err
		}
		for k, r := range x.writes { // x.done is set: nothing adds to writes now
			if err := writeRow(w, t, []byte(k), r); err != nil {
				return err
			}
		}
		// The stream records the transaction's changes at commit, in the
		// order they were made, if the stream they were made for is the
		// table's stream still.
		if x.stream != nil && t.stream != nil && t.stream.id == x.stream.id {
			return m.s.appendStream(w, t.stream, x.changes)
		}
		return nil
	})
	if serr != nil {
		return nil, serr
	}
	return &pb.CommitTransactionResponse{}, nil
}

func (m *txnManager) abort(req *pb.AbortTransactionRequest) (answer, error) {
	x, err := m.lookup(req.GetTransactionId())
	if err != nil {
		return nil, err
	}
	m.end(x)
	return &pb.AbortTransactionResponse{}, nil
}

func (m *txnManager) end(x *txn) {
	m.mu.Lock()
	m.endLocked(x.id, x)
	m.mu.Unlock()
}

// dropTable aborts the transactions of a deleted table.
func (m *txnManager) dropTable(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, x := range m.byID {
		if x.table.name == name {
			m.endLocked(id, x)
		}
	}
}

func (m *txnManager) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, x := range m.byID {
		m.endLocked(id, x)
	}
}

// within returns the live transaction id for a request on t's row pk.
func (m *txnManager) within(id string, t *table, pk []plainbuf.Cell) (*txn, *Error) {
	x, err := m.lookup(id)
	if err != nil {
		return nil, err
	}
	if x.table.name != t.name || (len(pk) > 0 && partitionKey(pk) != x.partition) {
		return nil, invalid("The row is outside transaction %q: it locks one partition key of table %q.", id, x.table.name)
	}
	return x, nil
}

// apply runs a change in a transaction's view, timed under the
// transaction's lock so its writes are stamped in the order they apply.
func (m *txnManager) apply(id string, ch *change) (*result, error) {
	x, err := m.within(id, ch.t, ch.pk)
	if err != nil {
		return nil, err
	}
	if ch.autoIncrement() {
		return nil, invalid("AUTO_INCREMENT columns cannot be written in a local transaction.")
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.done {
		return nil, invalid("Transaction %q has ended.", id)
	}
	return apply(txnAccess{x: x, store: m.s.store}, ch, m.s.writeTime())
}

// get reads a row in a transaction's view.
func (m *txnManager) get(id string, t *table, pk []plainbuf.Cell) (*row, error) {
	x, err := m.within(id, t, pk)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return txnAccess{x: x, store: m.s.store}.get(t, appendKey(nil, pk))
}

// scan visits a range in a transaction's view: the committed rows with the
// transaction's writes laid over them.
func (m *txnManager) scan(id string, q *rangeQuery, fn func(*row) bool) error {
	x, err := m.within(id, q.t, nil)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	rows := map[string]*row{}
	verr := m.s.store.View(func(v kv.Reader) error {
		var derr error
		serr := v.Scan(q.t.rowsBucket(), q.start, q.end, q.reverse, func(k, b []byte) bool {
			var r *row
			r, derr = decodeRow(b)
			rows[string(k)] = r
			return derr == nil
		})
		if derr != nil {
			return derr
		}
		return serr
	})
	if verr != nil {
		return verr
	}
	for k, r := range x.writes {
		if q.inRange([]byte(k)) {
			rows[k] = r
		}
	}
	keys := make([]string, 0, len(rows))
	for k, r := range rows {
		if r != nil {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if q.reverse {
		slices.Reverse(keys)
	}
	for _, k := range keys {
		if !fn(rows[k]) {
			break
		}
	}
	return nil
}

func (q *rangeQuery) inRange(k []byte) bool {
	if q.reverse {
		return bytes.Compare(k, q.start) <= 0 && bytes.Compare(k, q.end) > 0
	}
	return bytes.Compare(k, q.start) >= 0 && bytes.Compare(k, q.end) < 0
}

// txnAccess is rowAccess on a transaction's view. x.mu must be held.
type txnAccess struct {
	x     *txn
	store kv.Store
}

func (a txnAccess) get(t *table, key []byte) (*row, error) {
	if r, ok := a.x.writes[string(key)]; ok {
		return r, nil
	}
	var r *row
	err := a.store.View(func(v kv.Reader) error {
		var err error
		r, err = readRow(v, t, key)
		return err
	})
	return r, err
}

func (a txnAccess) put(_ *table, key []byte, r *row) error {
	a.x.writes[string(key)] = r
	return nil
}

func (a txnAccess) del(_ *table, key []byte) error {
	a.x.writes[string(key)] = nil
	return nil
}

// logChange keeps the change for the commit, which records it.
func (a txnAccess) logChange(t *table, c streamChange) error {
	if a.x.stream == nil || a.x.stream.id != t.stream.id {
		a.x.stream, a.x.changes = t.stream, nil // the earlier changes' stream is gone
	}
	a.x.changes = append(a.x.changes, c)
	return nil
}

func (a txnAccess) nextAutoIncrement(*table) (int64, error) {
	return 0, invalid("AUTO_INCREMENT columns cannot be written in a local transaction.")
}
