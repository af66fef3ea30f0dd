package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/event"
)

// Limits of one BatchWriteRow and of one row operation.
const (
	maxBatchRows  = 200
	maxBatchBytes = 4 << 20
	maxOpColumns  = 1024    // columns one row operation may write
	maxOpKeys     = 100     // idempotency keys one row operation may mark
	maxOpBytes    = 1 << 20 // a merged operation (a larger write goes alone)
	maxConflicts  = 16      // times a row may change under a commit
)

// A commit applies writes, row by row in the order they were made, in
// rounds. Each round reads the rows it needs to know (the markers of the
// keys writing them, and the version), then sends each row's next
// segment (see merge.go) in BatchWriteRow requests. A segment that
// applies takes its writes off the row; one whose version check fails
// has its row read again and its writes merged again, less those the
// markers now say are applied.
type commit struct {
	db   *DB
	rows []*rowPlan
	byID map[string]*rowPlan
	msgs map[*event.Message]*msgState
	// failures counts the writes failed so far, cascaded those the last
	// cascade saw.
	failures, cascaded int
}

type msgState struct {
	err     error
	reads   []sawPending
	writes  []*write
	dropped bool // every write not yet applied is dropped
}

// rowPlan is a row's writes and what the commit knows of it.
type rowPlan struct {
	table string
	pk    *tablestore.PrimaryKey
	id    string
	all   []*write // every write made, by position
	todo  []*write // those still to apply, in order
	// marked: some writes carry idempotency keys, so every operation
	// on the row checks and replaces the version.
	marked     bool
	st         *rowState // nil: to be read
	gc         *gcPlan   // expired journals found, to remove
	maxMsgs    int       // messages one operation may merge
	conflicts  int
	failedHead *write // head of an operation whose condition failed...
	failedV    int64  // ...and the version it expected
	readErr    bool   // the last read of the row failed
	guess      guess  // st is a guess, not a read
	guessed    bool   // the row's state has been guessed once
	lastErr    error
}

// A guess is what a commit assumes of a row it has not read, so as to
// write it in one request; the operation's conditions check the guess, and
// a wrong one makes the commit read the row and write again.
type guess int

const (
	guessNone guess = iota
	// guessNew: the row has no bookkeeping (the DB has not seen it
	// marked). The operation checks that _rfn_v is missing.
	guessNew
	// guessUnmarked: the row has bookkeeping (the DB has seen it), but
	// none of the operation's keys' markers, and no expired journal. The
	// operation checks each marker is missing and _rfn_g is current.
	guessUnmarked
)

// rowState is what a read told of a row's bookkeeping, kept up to date by
// the commit's own operations.
type rowState struct {
	v        int64          // the version; 0 when the row has none
	g        int64          // the hour of the oldest journal; -1 when none
	progress map[string]int // key -> its writes applied
	fresh    bool           // the row has no markers at all
}

func (st *rowState) knows(key string) bool {
	_, ok := st.progress[key]
	return ok || st.fresh
}

func freshState() *rowState { return &rowState{g: -1, progress: map[string]int{}, fresh: true} }

func (db *DB) newCommit(rows [][]*write, reads map[*event.Message][]sawPending) *commit {
	c := &commit{db: db, byID: map[string]*rowPlan{}, msgs: map[*event.Message]*msgState{}}
	for _, ws := range rows {
		rp := &rowPlan{table: ws[0].table, pk: ws[0].pk, id: ws[0].row, all: ws, maxMsgs: maxOpKeys}
		for i, w := range ws {
			w.pos, w.status, w.err, w.dupOf = i, pending, nil, nil
			if w.msg != nil {
				ms := c.msg(w.msg)
				ms.writes = append(ms.writes, w)
			}
		}
		c.rows = append(c.rows, rp)
		c.byID[rp.id] = rp
	}
	for m, r := range reads {
		c.msg(m).reads = r
	}
	return c
}

func (c *commit) msg(m *event.Message) *msgState {
	ms := c.msgs[m]
	if ms == nil {
		ms = &msgState{}
		c.msgs[m] = ms
	}
	return ms
}

// apply writes ws now, as a commit of their own.
func (db *DB) apply(ctx context.Context, ws []*write) {
	db.newCommit([][]*write{ws}, nil).run(ctx)
}

func (c *commit) run(ctx context.Context) {
	c.start()
	for attempt := 0; ; {
		c.cascade()
		var active []*rowPlan
		for _, rp := range c.rows {
			if len(rp.todo) > 0 {
				active = append(active, rp)
			}
		}
		if len(active) == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			c.abandon(active, fmt.Errorf("tablestore: %w", context.Cause(ctx)))
			break
		}
		c.readStates(ctx, active)
		contended := 0
		for _, rp := range active {
			if c.settle(rp) {
				contended = max(contended, rp.conflicts)
			}
		}
		// A row that others keep changing: back off before writing again.
		if contended > 1 && !c.db.wait(ctx, contended-1) {
			c.abandon(active, nil)
			break
		}
		c.cascade()
		c.readJournals(ctx, active)
		ops := c.plan(active, false)
		if len(ops) == 0 { // only writes waiting for others': go ahead
			ops = c.plan(active, true)
		}
		if len(ops) == 0 && (!c.left() || c.unread()) {
			continue // done, or rows to read before their next write
		}
		retry := len(ops) == 0
		for _, chunk := range chunks(ops) {
			if c.writeChunk(ctx, chunk) {
				retry = true
			}
		}
		if !retry {
			attempt = 0
			continue
		}
		attempt++
		if !c.db.wait(ctx, attempt) {
			c.abandon(active, nil)
			break
		}
	}
	c.cascade()
	c.settleDups()
}

// left reports whether some row has writes to apply.
func (c *commit) left() bool {
	for _, rp := range c.rows {
		if len(rp.todo) > 0 {
			return true
		}
	}
	return false
}

// unread reports whether some marked row is to be read, and its last
// read did not fail.
func (c *commit) unread() bool {
	for _, rp := range c.rows {
		if rp.marked && rp.st == nil && !rp.readErr && len(rp.todo) > 0 {
			return true
		}
	}
	return false
}

// start leaves out the writes that repeat an earlier one of the same key
// and index (made under another scope of the key): they are done when it
// is, as their markers would say.
func (c *commit) start() {
	for _, rp := range c.rows {
		first := map[string]map[int]*write{}
		for _, w := range rp.all {
			if w.status != pending {
				continue
			}
			if w.key != "" {
				if first[w.key] == nil {
					first[w.key] = map[int]*write{}
				}
				if f := first[w.key][w.idx]; f != nil {
					w.dupOf = f
					continue
				}
				first[w.key][w.idx] = w
				rp.marked = true
			}
			rp.todo = append(rp.todo, w)
		}
	}
}

func (c *commit) settleDups() {
	for _, rp := range c.rows {
		for _, w := range rp.all {
			if w.status != pending || w.dupOf == nil {
				continue
			}
			orig := w.dupOf
			for orig.status == pending && orig.dupOf != nil {
				orig = orig.dupOf
			}
			if orig.status == done {
				w.status = done
				continue
			}
			c.failWrites(rp, []*write{w}, orig.err)
		}
	}
}

// abandon fails the writes left when the deadline leaves no time for
// another attempt: each with its row's last error.
func (c *commit) abandon(rows []*rowPlan, err error) {
	for _, rp := range rows {
		e := err
		if e == nil {
			e = rp.lastErr
		}
		if e == nil {
			e = fmt.Errorf("tablestore: %s: %w", describeRow(rp.table, rp.pk), context.DeadlineExceeded)
		}
		c.failWrites(rp, rp.todo, e)
	}
}

// dropWrite fails w, which will not be applied.
func (c *commit) dropWrite(w *write, err error) {
	if w.status != pending {
		return
	}
	w.status, w.err = failed, err
	c.failures++
	if rp := c.byID[w.row]; rp != nil {
		for i, x := range rp.todo {
			if x == w {
				rp.todo = append(rp.todo[:i:i], rp.todo[i+1:]...)
				break
			}
		}
	}
}

// failWrites fails the writes ws of row rp with err, and with them their
// messages, whose writes to rp after them are dropped. Their writes to
// other rows are not: rows apply independently, and a redelivery of the
// message completes what did not apply.
func (c *commit) failWrites(rp *rowPlan, ws []*write, err error) {
	for _, w := range append([]*write(nil), ws...) {
		c.dropWrite(w, err)
		if w.msg == nil {
			continue
		}
		ms := c.msg(w.msg)
		if ms.err == nil {
			ms.err = err
		}
		for _, x := range append([]*write(nil), rp.todo...) {
			if x.msg == w.msg {
				c.dropWrite(x, err)
			}
		}
	}
}

// cascade fails the messages that read a pending write that then did not
// apply: what they decided from it may be wrong, so none of their writes
// not yet applied is.
func (c *commit) cascade() {
	if c.failures == c.cascaded {
		return
	}
	defer func() { c.cascaded = c.failures }()
	for changed := true; changed; {
		changed = false
		for m, ms := range c.msgs {
			if ms.dropped {
				continue
			}
			for _, r := range ms.reads {
				x := c.failedIn(m, r)
				if x == nil {
					continue
				}
				of := ""
				if x.msg != nil {
					of = fmt.Sprintf(" of message %q", x.msg.ID)
				}
				err := fmt.Errorf("tablestore: the message read %s while a write%s to it was pending, and that write did not apply (%v)",
					describeRow(x.table, x.pk), of, x.err)
				if ms.err == nil {
					ms.err = err
				}
				ms.dropped, changed = true, true
				for _, w := range ms.writes {
					c.dropWrite(w, err)
				}
				break
			}
		}
	}
}

// failedIn returns another message's write among those read r saw that
// did not apply, or nil.
func (c *commit) failedIn(m *event.Message, r sawPending) *write {
	rp := c.byID[r.row]
	if rp == nil {
		return nil
	}
	for _, x := range rp.all[:min(r.n, len(rp.all))] {
		if x.msg == m {
			continue
		}
		for x.status == pending && x.dupOf != nil {
			x = x.dupOf
		}
		if x.status == failed {
			return x
		}
	}
	return nil
}

// ready reports whether w may be applied in an operation on rp whose
// earlier writes are rp's todo before w: every pending write its message
// read before making w has applied, or is in that operation.
func (c *commit) ready(w *write, rp *rowPlan) bool {
	if w.msg == nil {
		return true
	}
	ms := c.msgs[w.msg]
	if ms == nil {
		return true
	}
	for _, r := range ms.reads {
		if r.after >= w.seq {
			continue // read after w was made
		}
		other := c.byID[r.row]
		if other == nil {
			continue
		}
		for _, x := range other.all[:min(r.n, len(other.all))] {
			if x.msg == w.msg {
				continue
			}
			for x.status == pending && x.dupOf != nil {
				x = x.dupOf
			}
			switch {
			case x.status == done:
			case x.status == failed:
				return false
			case other != rp || x.pos > w.pos:
				return false
			}
		}
	}
	return true
}

// plan builds the next operation of each row that can go now. force
// ignores what messages read, to break a wait of rows on each other.
func (c *commit) plan(rows []*rowPlan, force bool) []*op {
	var ops []*op
	for _, rp := range rows {
		if o := c.planRow(rp, force); o != nil {
			ops = append(ops, o)
		}
	}
	return ops
}

// settle brings what a read of rp's row tells to its writes: those the
// markers say are applied are done, and the head of an operation whose
// condition failed, on a row whose version has not changed since, failed
// on its own condition. It reports whether the row was changed by
// another invocation since the commit's previous read.
func (c *commit) settle(rp *rowPlan) (contended bool) {
	if !rp.marked || rp.st == nil {
		return false
	}
	c.trim(rp)
	h := rp.failedHead
	if h == nil {
		return false
	}
	rp.failedHead = nil
	switch {
	case len(rp.todo) == 0 || rp.todo[0] != h: // done by another invocation
	case rp.st.v == rp.failedV && !h.unconditional():
		c.failWrites(rp, []*write{h}, fmt.Errorf("%w: %s", ErrConditionFailed, h.describe()))
	default: // marked by another invocation since the read
		rp.conflicts++
		if rp.conflicts > maxConflicts {
			c.failWrites(rp, rp.todo, fmt.Errorf("tablestore: %s changed %d times while the invocation was committing its writes to it",
				describeRow(rp.table, rp.pk), rp.conflicts))
		}
		return true
	}
	return false
}

func (c *commit) planRow(rp *rowPlan, force bool) *op {
	if rp.marked {
		if rp.st == nil {
			return nil
		}
		if len(rp.todo) > 0 && rp.todo[0].key != "" && !rp.st.knows(rp.todo[0].key) {
			rp.st, rp.gc = nil, nil // read the markers of the next keys
			return nil
		}
	}
	if len(rp.todo) == 0 {
		return nil
	}
	head := rp.todo[0]
	if !force && !c.ready(head, rp) {
		return nil
	}
	if head.delete {
		return c.deleteOp(rp, head)
	}
	return c.updateOp(rp, force)
}

// trim takes off the writes the markers say are applied. A delete still
// to come removes the markers, so the writes after it are not trimmed.
func (c *commit) trim(rp *rowPlan) {
	var keep []*write
	for i, w := range rp.todo {
		if w.delete {
			keep = append(keep, rp.todo[i:]...)
			break
		}
		if w.key != "" && rp.st.knows(w.key) && w.idx < rp.st.progress[w.key] {
			w.status = done
			continue
		}
		keep = append(keep, w)
	}
	rp.todo = keep
}

// An op is one row operation.
type op struct {
	row    *rowPlan
	writes []*write
	head   *write
	change tablestore.RowChange
	delete bool
	msgs   int            // messages whose writes it holds
	marked bool           // it checks and replaces the version
	sentV  int64          // the version it expects
	newV   int64          // the version it sets
	keys   map[string]int // key -> its progress once applied
	newG   int64          // _rfn_g once applied
	safe   bool           // retrying it after an unknown outcome cannot apply it twice
	size   int
}

func (c *commit) deleteOp(rp *rowPlan, w *write) *op {
	ch := &tablestore.DeleteRowChange{TableName: rp.table, PrimaryKey: rp.pk}
	ch.SetCondition(w.exist)
	if f := columnFilter(w.conds, nil); f != nil {
		ch.SetColumnCondition(f)
	}
	return &op{row: rp, writes: []*write{w}, head: w, change: ch, delete: true, msgs: 1, safe: true, size: w.size}
}

// updateOp builds the operation of rp's next segment.
func (c *commit) updateOp(rp *rowPlan, force bool) *op {
	head := rp.todo[0]
	o := &op{row: rp, head: head, writes: []*write{head}, size: head.size, marked: rp.marked, safe: true}
	know, f := newKnowledge(head, rp.marked), newFold()
	f.add(head)
	msgs := map[*event.Message]bool{head.msg: true}
	keys := map[string]bool{}
	if head.key != "" {
		keys[head.key] = true
	}
segment:
	for _, w := range rp.todo[1:] {
		newMsg, newKey := !msgs[w.msg], w.key != "" && !keys[w.key]
		switch {
		case w.delete,
			rp.marked && w.key != "" && !rp.st.knows(w.key),
			newMsg && len(msgs) >= rp.maxMsgs,
			newKey && len(keys) >= maxOpKeys,
			o.size+w.size > maxOpBytes,
			f.columns(w)+len(keys)+4 > maxOpColumns,
			!know.holds(w),
			!f.fits(w):
			break segment
		case !force && !c.ready(w, rp):
			// w waits for a write to another row that its message read:
			// the row waits with it, so that its writes still merge.
			return nil
		}
		o.writes = append(o.writes, w)
		o.size += w.size
		know.apply(w, rp.marked)
		f.add(w)
		msgs[w.msg] = true
		if w.key != "" {
			keys[w.key] = true
		}
	}
	o.msgs = len(msgs)
	ch := &tablestore.UpdateRowChange{TableName: rp.table, PrimaryKey: rp.pk}
	f.into(ch)
	for _, w := range o.writes {
		o.safe = o.safe && w.idempotent()
	}
	var checks []tablestore.ColumnFilter
	if rp.marked {
		checks = c.mark(o, ch)
	}
	if len(ch.Columns) == 0 { // a row of primary-key columns alone
		put := &tablestore.PutRowChange{TableName: rp.table, PrimaryKey: rp.pk}
		put.SetCondition(head.exist)
		if cf := columnFilter(head.conds, nil); cf != nil {
			put.SetColumnCondition(cf)
		}
		o.change = put
		return o
	}
	ch.SetCondition(head.exist)
	if cf := columnFilter(head.conds, checks); cf != nil {
		ch.SetColumnCondition(cf)
	}
	o.change = ch
	return o
}

// mark adds to ch the bookkeeping of a marked operation: each key's
// marker, the new version, a journal of the markers it adds, and the
// removal of expired ones. It returns the conditions that check what the
// commit knows or guesses of the row: the version, else (guessUnmarked)
// the markers and the oldest journal.
func (c *commit) mark(o *op, ch *tablestore.UpdateRowChange) []tablestore.ColumnFilter {
	st := o.row.st
	o.keys = map[string]int{}
	var order []string
	for _, w := range o.writes {
		if w.key == "" {
			continue
		}
		if _, ok := o.keys[w.key]; !ok {
			order = append(order, w.key)
		}
		o.keys[w.key] = w.idx + 1
	}
	var journal []byte
	for _, k := range order {
		h := hashKey(k)
		ch.PutColumn(markerColumn(h), int64(o.keys[k]))
		if st.progress[k] == 0 {
			journal = append(journal, h[:]...)
		}
	}
	o.sentV, o.newV, o.newG = st.v, newVersion(), st.g
	ch.PutColumn(versionColumn, o.newV)

	if gc := o.row.gc; gc != nil {
		// The markers of keys this commit writes stay: the new journal
		// lists them.
		writing := map[keyHash]bool{}
		for _, w := range o.row.todo {
			if w.key != "" {
				writing[hashKey(w.key)] = true
			}
		}
		budget := maxOpColumns - len(ch.Columns) - 3
		taken := 0
		for _, j := range gc.expired {
			if len(j.hashes)+1 > budget {
				break
			}
			for _, h := range j.hashes {
				if writing[h] {
					journal = append(journal, h[:]...)
					continue
				}
				ch.DeleteColumn(markerColumn(h))
				budget--
			}
			ch.DeleteColumn(j.name)
			budget--
			taken++
		}
		switch {
		case taken < len(gc.expired):
			o.newG = gc.expired[taken].hour
		default:
			o.newG = gc.next
		}
	}
	hour := hourOf(c.db.now())
	if len(journal) > 0 {
		ch.PutColumn(journalColumn(hour, o.newV), journal)
		if o.newG < 0 {
			o.newG = hour
		}
	}
	switch {
	case o.newG == st.g:
	case o.newG < 0:
		ch.DeleteColumn(gcColumn)
	default:
		ch.PutColumn(gcColumn, o.newG)
	}
	if o.row.guess == guessUnmarked {
		checks := []tablestore.ColumnFilter{journalsCurrent(hourOf(c.db.now().Add(-c.db.cfg.IdempotencyWindow)))}
		for _, k := range order {
			checks = append(checks, versionCheck(0, markerColumn(hashKey(k))))
		}
		return checks
	}
	return []tablestore.ColumnFilter{versionCheck(o.sentV, versionColumn)}
}

// journalsCurrent is the condition that the row's oldest journal has not
// expired: _rfn_g is at least hour.
func journalsCurrent(hour int64) tablestore.ColumnFilter {
	c := tablestore.NewSingleColumnCondition(gcColumn, tablestore.CT_GREATER_EQUAL, hour)
	c.LatestVersionOnly, c.FilterIfMissing = true, true
	return c
}

// versionCheck is the condition that column col (the version, or a
// marker) still holds v, or is missing when v is 0. Both hold positive
// numbers: a missing column passes an equality test with -1 when
// filter_if_missing is unset.
func versionCheck(v int64, col string) tablestore.ColumnFilter {
	if v == 0 {
		c := tablestore.NewSingleColumnCondition(col, tablestore.CT_EQUAL, int64(-1))
		c.LatestVersionOnly = true
		return c
	}
	c := tablestore.NewSingleColumnCondition(col, tablestore.CT_EQUAL, v)
	c.LatestVersionOnly, c.FilterIfMissing = true, true
	return c
}

// columnFilter is the column condition of conds and extra, all of which
// must hold; nil when there are none.
func columnFilter(conds []colCond, extra []tablestore.ColumnFilter) tablestore.ColumnFilter {
	var filters []tablestore.ColumnFilter
	for _, c := range conds {
		filters = append(filters, tablestore.NewSingleColumnCondition(c.col, c.cmp, c.value))
	}
	filters = append(filters, extra...)
	switch len(filters) {
	case 0:
		return nil
	case 1:
		return filters[0]
	}
	all := tablestore.NewCompositeColumnCondition(tablestore.LO_AND)
	for _, f := range filters {
		all.AddFilter(f)
	}
	return all
}

// chunks cuts ops into BatchWriteRow requests.
func chunks(ops []*op) [][]*op {
	var out [][]*op
	var cur []*op
	size := 0
	for _, o := range ops {
		if len(cur) == maxBatchRows || (len(cur) > 0 && size+o.size > maxBatchBytes*7/8) {
			out, cur, size = append(out, cur), nil, 0
		}
		cur = append(cur, o)
		size += o.size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// writeChunk sends one BatchWriteRow and deals with each operation's
// result. It reports whether some are to be tried again after a pause.
func (c *commit) writeChunk(ctx context.Context, ops []*op) (retry bool) {
	client, err := c.db.client(ctx)
	if err != nil {
		for _, o := range ops {
			c.failWrites(o.row, o.writes, err)
		}
		return false
	}
	req := &tablestore.BatchWriteRowRequest{}
	byTable := map[string][]*op{}
	for _, o := range ops {
		req.AddRowChange(o.change)
		byTable[o.row.table] = append(byTable[o.row.table], o)
	}
	resp, err := client.BatchWriteRow(req)
	if err != nil {
		for _, o := range ops {
			e := serviceError(o.row.table, err)
			var oe *tablestore.OtsError
			switch {
			case errors.As(err, &oe):
				retry = c.onError(ctx, o, oe.Code, oe.Message, e, false) || retry
			case errors.Is(err, context.Canceled):
				c.failWrites(o.row, o.writes, e)
			default: // a network error: the outcome is unknown
				retry = c.onUnknown(o, e) || retry
			}
		}
		return retry
	}
	for table, rows := range byTable {
		results := resp.TableToRowsResult[table]
		for i, o := range rows {
			if i >= len(results) {
				c.failWrites(o.row, o.writes, fmt.Errorf("tablestore: table %q: no result for row %d of the batch", table, i))
				continue
			}
			switch r := results[i]; {
			case r.IsSucceed:
				c.onApplied(o)
			default:
				e := &Error{Code: r.Error.Code, Message: r.Error.Message, Table: table, Row: o.head.describe()}
				retry = c.onError(ctx, o, r.Error.Code, r.Error.Message, e, true) || retry
			}
		}
	}
	return retry
}

// onApplied takes o's writes off its row.
func (c *commit) onApplied(o *op) {
	rp := o.row
	for _, w := range o.writes {
		w.status = done
	}
	rp.todo = rp.todo[len(o.writes):]
	switch {
	case o.delete:
		rp.st = freshState()
	case o.marked:
		rp.st.v, rp.st.g, rp.st.fresh = o.newV, o.newG, false
		for k, n := range o.keys {
			rp.st.progress[k] = n
		}
		rp.gc, rp.guess = nil, guessNone
	}
	if o.marked || o.delete {
		c.db.marked.set(rp.id, o.marked)
	}
}

// onError deals with an operation the service refused; perRow says the
// error is o's own, not the request's.
func (c *commit) onError(ctx context.Context, o *op, code, msg string, err error, perRow bool) (retry bool) {
	rp := o.row
	switch {
	case code == "OTSConditionCheckFail":
		return c.onConditionFailed(ctx, o)
	case retryNotApplied[code] || code == "OTSQuotaExhausted" && msg == "Too frequent table operations.":
		rp.lastErr = err
		return true
	case retryUnknown[code]:
		return c.onUnknown(o, err)
	case perRow && o.msgs > 1:
		// Some write of the operation is refused: split it until the
		// operation that fails holds one message's writes.
		rp.maxMsgs = max(1, o.msgs/2)
		rp.lastErr = err
		return false
	}
	c.failWrites(rp, o.writes, err)
	return false
}

// onUnknown deals with an operation that may or may not have applied. A
// marked one is resolved by reading the row again: its markers say. The
// others are tried again only when that cannot apply them twice.
func (c *commit) onUnknown(o *op, err error) (retry bool) {
	rp := o.row
	rp.lastErr = err
	switch {
	case o.marked && len(o.keys) > 0:
		rp.st, rp.gc, rp.guess = nil, nil, guessNone
		return true
	case o.safe:
		if o.marked {
			rp.st, rp.gc, rp.guess = nil, nil, guessNone
		}
		return true
	}
	c.failWrites(rp, o.writes, err)
	return false
}

// onConditionFailed deals with an operation whose condition failed. A
// marked one is resolved by reading the row again: the writes whose
// markers are now there are done, and if the version has not changed the
// head's own condition failed. Otherwise the head failed, and a delete
// whose row is gone is done.
func (c *commit) onConditionFailed(ctx context.Context, o *op) bool {
	rp := o.row
	switch {
	case o.delete && c.rowGone(ctx, rp):
		c.onApplied(o)
	case o.marked:
		// A wrong guess of the row's state, a change by another
		// invocation, or the head's condition: the read will tell. The
		// markers of a guessUnmarked operation say nothing of the
		// version, so its head is tried again on what the read finds.
		if rp.guess != guessUnmarked {
			rp.failedHead, rp.failedV = o.head, o.sentV
		}
		rp.st, rp.gc, rp.guess = nil, nil, guessNone
	default:
		c.failWrites(rp, []*write{o.head}, fmt.Errorf("%w: %s", ErrConditionFailed, o.head.describe()))
	}
	return false
}

// rowGone reports whether rp's row is known not to exist.
func (c *commit) rowGone(ctx context.Context, rp *rowPlan) bool {
	client, err := c.db.client(ctx)
	if err != nil {
		return false
	}
	resp, err := client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
		TableName: rp.table, PrimaryKey: rp.pk, MaxVersion: 1,
	}})
	return err == nil && len(resp.PrimaryKey.PrimaryKeys) == 0
}
