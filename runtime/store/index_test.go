package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Member is a row with index columns among its primary key and its
// attributes, and attributes of every type.
type Member struct {
	Team  string  `tablestore:"team,pk"`
	ID    int64   `tablestore:"id,pk"`
	Email string  `tablestore:"Email,omitempty"` // a member without one is in no Email index
	Role  string  `tablestore:"Role"`
	Level int64   `tablestore:"Level"`
	Avg   float64 `tablestore:"Avg"`
	Admin bool    `tablestore:"Admin"`
	Photo []byte  `tablestore:"Photo"`
}

func index[T any](t testing.TB, tb *store.Table[T], name string, cols ...string) *store.Index[T] {
	t.Helper()
	x, err := store.NewIndex(tb, name, cols...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// putMany writes rows through the SDK, 200 to a BatchWriteRow.
func putMany(t testing.TB, e *env, table string, n int, row func(i int, ch *tablestore.PutRowChange)) {
	t.Helper()
	cred := e.srv.Credentials()
	c := tablestore.NewClient(e.srv.Endpoint(), e.srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)
	for i := 0; i < n; i += 200 {
		req := &tablestore.BatchWriteRowRequest{}
		for j := i; j < min(i+200, n); j++ {
			ch := &tablestore.PutRowChange{TableName: table, PrimaryKey: new(tablestore.PrimaryKey)}
			row(j, ch)
			ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
			req.AddRowChange(ch)
		}
		resp, err := c.BatchWriteRow(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.TableToRowsResult[table] {
			if !r.IsSucceed {
				t.Fatalf("BatchWriteRow: %s %s", r.Error.Code, r.Error.Message)
			}
		}
	}
}

// TestIndexScanPages: a prefix of more rows than a GetRange page is read
// whole, in index order, and Lookup reads the same rows from the table.
func TestIndexScanPages(t *testing.T) {
	e := newEnv(t)
	players, _ := store.NewTable[Player](e.db, "players")
	byJob := index(t, players, "players_by_job", "Job")
	ctx := context.Background()
	if err := players.Ensure(ctx, store.TableOptions{}, byJob); err != nil {
		t.Fatal(err)
	}
	const mages, others = 5300, 700
	putMany(t, e, "players", mages+others, func(i int, ch *tablestore.PutRowChange) {
		ch.PrimaryKey.AddPrimaryKeyColumn("id", fmt.Sprintf("p%05d", (i*7919)%(mages+others))) // written out of order
		job := "mage"
		if i >= mages {
			job = []string{"archer", "tank"}[i%2]
		}
		ch.AddColumn("Job", job)
		ch.AddColumn("Name", fmt.Sprint("n", i))
		ch.AddColumn("Score", int64(i))
	})

	before := e.requests.get("GetRange")
	got := collect(t, byJob.Scan(ctx, store.Prefix("mage")))
	if n := e.requests.get("GetRange") - before; n < 2 {
		t.Errorf("%d GetRange requests for %d rows, want pages", n, mages)
	}
	if len(got) != mages {
		t.Fatalf("Scan(Prefix(mage)) = %d rows, want %d", len(got), mages)
	}
	if !slices.IsSortedFunc(got, func(a, b Player) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("rows of one prefix are not in primary-key order")
	}
	for _, p := range got {
		if p.Job != "mage" || p.Name == "" {
			t.Fatalf("row %+v: want Job mage and the columns the index carries", p)
		}
	}

	// Every row, in index order: archer < mage < tank.
	all := collect(t, byJob.Scan(ctx, store.Range{}))
	if len(all) != mages+others {
		t.Fatalf("Scan(Range{}) = %d rows, want %d", len(all), mages+others)
	}
	if !slices.IsSortedFunc(all, func(a, b Player) int {
		return strings.Compare(a.Job+"\x00"+a.ID, b.Job+"\x00"+b.ID)
	}) {
		t.Error("the index is not in (Job, id) order")
	}

	// Ranges over the index key: reverse with a limit, a range of jobs.
	last := collect(t, byJob.Scan(ctx, store.Range{Start: []any{"mage"}, End: []any{"mage"}, Reverse: true, Limit: 3}))
	if want := []string{got[mages-1].ID, got[mages-2].ID, got[mages-3].ID}; fmt.Sprint(ids(last)) != fmt.Sprint(want) {
		t.Errorf("reverse Limit 3 = %v, want %v", ids(last), want)
	}
	notMages := collect(t, byJob.Scan(ctx, store.Range{Start: []any{"n"}}))
	if len(notMages) != others/2 || notMages[0].Job != "tank" {
		t.Errorf("from Job n: %d rows, first %+v; want the %d tanks", len(notMages), notMages[0], others/2)
	}
	// A full index key as the end bound is inclusive.
	end := got[10]
	upTo := collect(t, byJob.Scan(ctx, store.Range{Start: []any{"mage"}, End: []any{"mage", end.ID}}))
	if len(upTo) != 11 || upTo[10].ID != end.ID {
		t.Errorf("up to (mage, %s): %d rows, want 11 ending there", end.ID, len(upTo))
	}

	before = e.requests.get("BatchGetRow")
	full := collect(t, byJob.Lookup(ctx, store.Prefix("mage")))
	if n := e.requests.get("BatchGetRow") - before; n != (mages+99)/100 {
		t.Errorf("%d BatchGetRow requests for %d rows, want %d", n, mages, (mages+99)/100)
	}
	if fmt.Sprint(full) != fmt.Sprint(got) {
		t.Error("Lookup and Scan differ on an index that carries every column")
	}
}

func ids(ps []Player) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestIndexFollowsWrites: the index holds the rows that have its
// columns, moves a row whose index column changes, and drops deleted
// rows, whichever write path made the change.
func TestIndexFollowsWrites(t *testing.T) {
	e := newEnv(t)
	members, _ := store.NewTable[Member](e.db, "members")
	byEmail := index(t, members, "members_by_email", "Email")
	byRole := index(t, members, "members_by_role", "Role", "Level") // key (Role, Level, team, id)
	ctx := context.Background()
	if err := members.Ensure(ctx, store.TableOptions{}, byEmail, byRole); err != nil {
		t.Fatal(err)
	}
	ann := Member{Team: "red", ID: 1, Email: "ann@x", Role: "dev", Level: 3, Avg: 1.5, Admin: true, Photo: []byte{1, 2}}
	bob := Member{Team: "red", ID: 2, Role: "dev", Level: 1} // no Email: absent from byEmail
	cid := Member{Team: "blue", ID: 1, Email: "cid@x", Role: "ops", Level: 2}
	for _, m := range []Member{ann, bob, cid} {
		if err := members.Put(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	emails := func() string {
		var out []string
		for _, m := range collect(t, byEmail.Scan(ctx, store.Range{})) {
			out = append(out, fmt.Sprint(m.Email, "=", m.Team, m.ID))
		}
		return fmt.Sprint(out)
	}
	if got, want := emails(), "[ann@x=red1 cid@x=blue1]"; got != want {
		t.Fatalf("byEmail = %s, want %s (bob has no Email)", got, want)
	}
	got, ok, err := byEmail.First(ctx, store.Prefix("ann@x"))
	if err != nil || !ok || fmt.Sprint(got) != fmt.Sprint(ann) {
		t.Fatalf("First(ann@x) = %+v, %v, %v; want %+v", got, ok, err, ann)
	}
	if _, ok, err := byEmail.First(ctx, store.Prefix("nobody@x")); ok || err != nil {
		t.Fatalf("First of a missing value: ok=%v err=%v", ok, err)
	}
	devs := collect(t, byRole.Scan(ctx, store.Prefix("dev")))
	if len(devs) != 2 || devs[0].ID != 2 || devs[1].ID != 1 {
		t.Fatalf("byRole dev = %+v, want bob (Level 1) then ann (Level 3)", devs)
	}
	if got := collect(t, byRole.Scan(ctx, store.Prefix("dev", 3))); len(got) != 1 || got[0].Email != "ann@x" {
		t.Fatalf("byRole (dev, 3) = %+v", got)
	}

	// An update of an index column moves the row; one that sets it puts
	// the row in; removing it takes the row out.
	if err := members.Update(ctx, Member{Team: "red", ID: 1}, []store.Change{store.Set("Email", "ann@y")}); err != nil {
		t.Fatal(err)
	}
	if err := members.Update(ctx, Member{Team: "red", ID: 2}, []store.Change{store.Set("Email", "bob@x")}); err != nil {
		t.Fatal(err)
	}
	if got, want := emails(), "[ann@y=red1 bob@x=red2 cid@x=blue1]"; got != want {
		t.Fatalf("after updates byEmail = %s, want %s", got, want)
	}
	if _, ok, _ := byEmail.First(ctx, store.Prefix("ann@x")); ok {
		t.Fatal("the old Email still finds the row")
	}
	if err := members.Update(ctx, Member{Team: "red", ID: 2}, []store.Change{store.Remove("Email")}); err != nil {
		t.Fatal(err)
	}
	cid.Email = "" // omitempty: Put removes the column
	if err := members.Put(ctx, cid); err != nil {
		t.Fatal(err)
	}
	if got, want := emails(), "[ann@y=red1]"; got != want {
		t.Fatalf("after removing Emails byEmail = %s, want %s", got, want)
	}
	if err := members.Increment(ctx, Member{Team: "red", ID: 2}, "Level", 5); err != nil {
		t.Fatal(err)
	}
	if devs := collect(t, byRole.Scan(ctx, store.Prefix("dev"))); len(devs) != 2 || devs[0].ID != 1 || devs[1].Level != 6 {
		t.Fatalf("after bob's Level 1 -> 6, byRole dev = %+v, want ann then bob", devs)
	}

	// A delete removes the row from every index.
	if err := members.Delete(ctx, Member{Team: "red", ID: 1}); err != nil {
		t.Fatal(err)
	}
	if got := emails(); got != "[]" {
		t.Fatalf("after the delete byEmail = %s", got)
	}
	if devs := collect(t, byRole.Scan(ctx, store.Prefix("dev"))); len(devs) != 1 || devs[0].ID != 2 {
		t.Fatalf("after the delete byRole dev = %+v", devs)
	}
}

// TestIndexOfFewerColumns: Scan yields what an index carries; Lookup
// reads the rest from the table.
func TestIndexOfFewerColumns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The table and its index as a deployment made them: the index
	// carries Hero alone.
	type card struct {
		ID   string `tablestore:"id,pk"`
		Job  string `tablestore:"Job"`
		Hero string `tablestore:"Hero"`
	}
	cards, _ := store.NewTable[card](e.db, "players")
	if err := cards.Ensure(ctx, store.TableOptions{}, index(t, cards, "players_by_job", "Job")); err != nil {
		t.Fatal(err)
	}
	players, _ := store.NewTable[Player](e.db, "players")
	byJob := index(t, players, "players_by_job", "Job")
	p := Player{ID: "1", Name: "ann", Job: "mage", Hero: "Lux", Score: 9}
	if err := players.Put(ctx, p); err != nil {
		t.Fatal(err)
	}
	scanned := collect(t, byJob.Scan(ctx, store.Prefix("mage")))
	if want := (Player{ID: "1", Job: "mage", Hero: "Lux"}); len(scanned) != 1 || scanned[0] != want {
		t.Fatalf("Scan = %+v, want %+v: the columns the index carries", scanned, want)
	}
	looked := collect(t, byJob.Lookup(ctx, store.Prefix("mage")))
	if len(looked) != 1 || looked[0] != p {
		t.Fatalf("Lookup = %+v, want %+v", looked, p)
	}
}

// TestLookupSkipsStaleEntries: Lookup yields only the rows that hold the
// index columns the index has for them, as when a global index lags its
// table on the cloud. The lag is made here by looking up the index's
// rows in a copy of the table that has moved on.
func TestLookupSkipsStaleEntries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	players, _ := store.NewTable[Player](e.db, "players")
	if err := players.Ensure(ctx, store.TableOptions{}, index(t, players, "players_by_job", "Job")); err != nil {
		t.Fatal(err)
	}
	later := table[Player](t, e.db, "players_later")
	for i, job := range []string{"mage", "mage", "mage", "mage"} {
		p := Player{ID: fmt.Sprint(i), Job: job, Name: fmt.Sprint("n", i)}
		if err := players.Put(ctx, p); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 1: // its Job changed since
			p.Job = "tank"
		case 2: // deleted since
			continue
		case 3: // renamed, still a mage
			p.Name = "renamed"
		}
		if err := later.Put(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	lagging := index(t, later, "players_by_job", "Job")
	got := collect(t, lagging.Lookup(ctx, store.Prefix("mage")))
	if want := "[{0 n0 mage  0} {3 renamed mage  0}]"; fmt.Sprint(got) != want {
		t.Fatalf("Lookup = %v, want %s", got, want)
	}
}

// TestEnsureAddsIndexes: Ensure on an existing table creates the indexes
// it lacks, over the rows it has, and refuses a different definition.
func TestEnsureAddsIndexes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	players, _ := store.NewTable[Player](e.db, "players")
	byJob := index(t, players, "players_by_job", "Job")
	if err := players.Ensure(ctx, store.TableOptions{}, byJob); err != nil {
		t.Fatal(err)
	}
	for i, hero := range []string{"Lux", "Jinx", "Lux"} {
		if err := players.Put(ctx, Player{ID: fmt.Sprint(i), Job: "mage", Hero: hero}); err != nil {
			t.Fatal(err)
		}
	}
	byHero := index(t, players, "players_by_hero", "Hero", "Job")
	if err := players.Ensure(ctx, store.TableOptions{}, byJob, byHero); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, byHero.Scan(ctx, store.Prefix("Lux"))); fmt.Sprint(ids(got)) != "[0 2]" {
		t.Fatalf("the new index over the existing rows: %v", ids(got))
	}
	if err := players.Ensure(ctx, store.TableOptions{}, byJob, byHero); err != nil {
		t.Fatalf("Ensure again: %v", err)
	}
	other := index(t, players, "players_by_hero", "Hero")
	err := players.Ensure(ctx, store.TableOptions{}, other)
	if err == nil || !strings.Contains(err.Error(), `"players_by_hero"`) {
		t.Fatalf("Ensure with other index columns = %v, want an error naming the index", err)
	}
}

func TestIndexErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	members, _ := store.NewTable[Member](e.db, "members")
	logs, _ := store.NewTable[Log](e.db, "logs")
	for _, tc := range []struct {
		cols []string
		name string
		want string
	}{
		{[]string{"Nope"}, "ix", `no column or field "Nope"`},
		{[]string{"Avg"}, "ix", `column "Avg" (field Avg float64) is DOUBLE`},
		{[]string{"Admin"}, "ix", `column "Admin" (field Admin bool) is BOOLEAN`},
		{[]string{"Email", "Role", "Level", "team", "id"}, "ix", "5 index columns, want 1 to 4"},
		{nil, "ix", "0 index columns"},
		{[]string{"Email", "Email"}, "ix", `column "Email" is listed twice`},
		{[]string{"Team", "team"}, "ix", `column "team" is listed twice`},
		{[]string{"Email"}, "members", "its table's name"},
		{[]string{"Email"}, "by-email", "invalid name"},
	} {
		_, err := store.NewIndex(members, tc.name, tc.cols...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `index "`+tc.name+`" of table "members"`) {
			t.Errorf("NewIndex(%q, %q) = %v, want an error naming the index with %q", tc.name, tc.cols, err, tc.want)
		}
	}
	if _, err := store.NewIndex(logs, "logs_by_id", "ID"); err == nil || !strings.Contains(err.Error(), "autoincrement") {
		t.Errorf("an autoincrement first index column: %v", err)
	}
	if _, err := store.NewIndex(logs, "logs_by_text", "Text", "ID"); err != nil {
		t.Errorf("an index on Text then the autoincrement column: %v", err)
	}
	// Go field names and column names both name columns.
	if _, err := store.NewIndex(members, "members_by_id", "ID", "team"); err != nil {
		t.Errorf("field ID and column team: %v", err)
	}

	byEmail := index(t, members, "members_by_email", "Email")
	for _, tc := range []struct {
		opts store.TableOptions
		idx  []*store.Index[Member]
		want string
	}{
		{store.TableOptions{MaxVersions: 2}, []*store.Index[Member]{byEmail}, "1 version"},
		{store.TableOptions{TTL: 86400}, []*store.Index[Member]{byEmail}, "TTL -1"},
		{store.TableOptions{}, []*store.Index[Member]{byEmail, byEmail}, `two indexes are named "members_by_email"`},
		{store.TableOptions{}, []*store.Index[Member]{index(t, table[Member](t, e.db, "others"), "others_by_email", "Email")}, `is of table "others"`},
		{store.TableOptions{}, slices.Repeat([]*store.Index[Member]{byEmail}, 6), "6 indexes, at most 5"},
	} {
		if err := members.Ensure(ctx, tc.opts, tc.idx...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Ensure(%+v, %d indexes) = %v, want %q", tc.opts, len(tc.idx), err, tc.want)
		}
	}

	// Range values of the wrong type, and reads of an index that does not
	// exist, name the index.
	if err := members.Ensure(ctx, store.TableOptions{}, byEmail); err != nil {
		t.Fatal(err)
	}
	for _, err := range byEmail.Scan(ctx, store.Prefix(42)) {
		if err == nil || !strings.Contains(err.Error(), `index "members_by_email" of table "members"`) || !strings.Contains(err.Error(), `"Email" is STRING`) {
			t.Errorf("Scan(Prefix(42)) on a STRING column: %v", err)
		}
	}
	if _, _, err := byEmail.First(ctx, store.Prefix("a", "red", 1, "extra")); err == nil || !strings.Contains(err.Error(), "4 values for 3 primary-key columns") {
		t.Errorf("a range longer than the index key: %v", err)
	}
	missing := index(t, members, "members_by_role", "Role")
	_, _, err := missing.First(ctx, store.Range{})
	var se *store.Error
	if !errors.As(err, &se) || se.Index != "members_by_role" || se.Table != "members" || !strings.Contains(err.Error(), `index "members_by_role" of table "members"`) {
		t.Errorf("reading a missing index = %v, want an *Error naming it", err)
	}
	for _, err := range missing.Lookup(ctx, store.Range{}) {
		if !errors.As(err, &se) || se.Index != "members_by_role" {
			t.Errorf("Lookup on a missing index = %v", err)
		}
	}
}
