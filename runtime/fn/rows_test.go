package fn_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

type sampleRow struct {
	Time  int64  `tablestore:"pk_0,pk"`
	Label string `tablestore:"pk_1,pk"`
	Attr0 string `tablestore:"attr_0"`
	Attr1 int64  `tablestore:"attr_1"`
}

// TestRowsRoute: the documented Tablestore trigger payload (CBOR) goes to
// the rows route, decoded into the row type, while JSON events keep their
// routes; a failed change is reported with its ID and position.
func TestRowsRoute(t *testing.T) {
	payload, err := os.ReadFile("../rowchange/testdata/sync-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	var got []sampleRow
	var ids []string
	fail := false
	app := fn.New()
	app.HandleRows(fn.Rows(func(ctx context.Context, row rowchange.Row[sampleRow]) error {
		m, _ := fn.MessageFromContext(ctx)
		ids = append(ids, m.ID)
		got = append(got, row.Value)
		if fail {
			return errors.New("refused")
		}
		return nil
	}))
	var msgs int
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		msgs++
		return nil, nil
	}))
	if _, err := app.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	want := sampleRow{Time: 1506416585881590900, Label: "2017-09-26 17:03:05.8815909 +0800 CST", Attr0: "hello_table_store", Attr1: 1506416585881590900}
	if len(got) != 1 || got[0] != want || len(ids[0]) != 32 {
		t.Fatalf("rows %+v, ids %v", got, ids)
	}
	if _, err := app.Invoke(context.Background(), []byte(`{"data":{"topic":"t","body":"x","systemProperties":{"UNIQ_KEY":"k"}}}`)); err != nil || msgs != 1 {
		t.Fatalf("JSON event: %v, %d messages", err, msgs)
	}
	fail = true
	_, err = app.Invoke(context.Background(), payload)
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || ie.Type != fn.ErrorMessagesFailed || len(ie.Failures) != 1 || ie.Failures[0].MessageID != ids[0] || ie.Failures[0].Index != 0 {
		t.Fatalf("failed change: %v", err)
	}
	if _, err := app.Invoke(context.Background(), payload[:50]); !errors.As(err, &ie) || ie.Type != fn.ErrorMalformedPayload || !errors.Is(err, rowchange.ErrMalformed) {
		t.Fatalf("truncated payload: %v", err)
	}
	rep := app.Routes()
	if rep.Rows == nil || rep.Rows.Kind != fn.KindRows || rep.Rows.Type != "fn_test.sampleRow" || !strings.HasSuffix(rep.Rows.Registered, "rows_test.go:34") {
		t.Errorf("routes report rows = %+v", rep.Rows)
	}
}
