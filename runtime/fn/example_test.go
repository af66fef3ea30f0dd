package fn_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

type Order struct {
	ID     string `json:"id"`
	Amount int    `json:"amount"`
}

func ExampleApp_Invoke() {
	app := fn.New()
	app.Handle("orders", "created||paid", fn.TypedResult(func(ctx context.Context, o Order) (string, error) {
		return fmt.Sprintf("%s: %d", o.ID, o.Amount), nil
	}))
	payload := []byte(`[
		{"topic":"orders","systemProperties":{"TAGS":"created","UNIQ_KEY":"m1"},"body":"{\"id\":\"o-1\",\"amount\":12}"},
		{"topic":"orders","systemProperties":{"TAGS":"paid","UNIQ_KEY":"m2"},"body":"{\"id\":\"o-1\",\"amount\":12}"}
	]`)
	out, err := app.Invoke(context.Background(), payload)
	fmt.Println(string(out), err)
	// Output:
	// ["o-1: 12","o-1: 12"] <nil>
}

func ExampleInvokeError() {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := fn.New(fn.WithLogger(quiet))
	app.Handle("*", "*", fn.Typed(func(ctx context.Context, o Order) error {
		if o.Amount < 0 {
			return errors.New("negative amount")
		}
		return nil
	}))
	_, err := app.Invoke(context.Background(), []byte(`[
		{"topic":"orders","systemProperties":{"UNIQ_KEY":"m1"},"body":"{\"id\":\"o-1\",\"amount\":12}"},
		{"topic":"orders","systemProperties":{"UNIQ_KEY":"m2"},"body":"{\"id\":\"o-2\",\"amount\":-3}"}
	]`))
	var ie *fn.InvokeError
	if errors.As(err, &ie) {
		fmt.Println(string(ie.JSON()))
	}
	// Output:
	// {"errorType":"MessagesFailed","errorMessage":"1 of 2 messages failed; first: negative amount","failures":[{"messageId":"m2","index":1,"topic":"orders","error":"negative amount"}]}
}

// A function for a Tablestore trigger: each row change of the documented
// sample event, decoded into a row type.
func ExampleApp_HandleRows() {
	type Sample struct {
		Time  int64  `tablestore:"pk_0,pk"`
		Label string `tablestore:"pk_1,pk"`
		Attr0 string `tablestore:"attr_0"`
	}
	app := fn.New()
	app.HandleRows(fn.Rows(func(ctx context.Context, row rowchange.Row[Sample]) error {
		fmt.Println(row.Type, row.Value.Time, row.Value.Attr0)
		return nil
	}))
	payload, err := os.ReadFile("../rowchange/testdata/sync-v1.cbor")
	if err != nil {
		panic(err)
	}
	if _, err := app.Invoke(context.Background(), payload); err != nil {
		panic(err)
	}
	// Output: PutRow 1506416585881590900 hello_table_store
}
