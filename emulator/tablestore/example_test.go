package tablestore_test

import (
	"fmt"
	"log"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/tablestore"
)

// A local instance in memory on a free loopback port, used through the
// official SDK.
func Example() {
	srv, err := tablestore.New(tablestore.Config{}) // Config{Dir: "data"} keeps the data on disk
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	cred := srv.Credentials()
	client := ots.NewClient(endpoint, srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)

	meta := &ots.TableMeta{TableName: "players"}
	meta.AddPrimaryKeyColumn("id", ots.PrimaryKeyType_STRING)
	if _, err := client.CreateTable(&ots.CreateTableRequest{TableMeta: meta,
		TableOption: &ots.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &ots.ReservedThroughput{}}); err != nil {
		log.Fatal(err)
	}
	key := new(ots.PrimaryKey)
	key.AddPrimaryKeyColumn("id", "p1")
	put := &ots.PutRowChange{TableName: "players", PrimaryKey: key}
	put.AddColumn("Name", "Ann")
	put.SetCondition(ots.RowExistenceExpectation_EXPECT_NOT_EXIST)
	if _, err := client.PutRow(&ots.PutRowRequest{PutRowChange: put}); err != nil {
		log.Fatal(err)
	}
	_, err = client.PutRow(&ots.PutRowRequest{PutRowChange: put})
	fmt.Println("second insert:", err.(*ots.OtsError).Code)

	row, err := client.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(row.Columns[0].ColumnName, row.Columns[0].Value)
	// Output:
	// second insert: OTSConditionCheckFail
	// Name Ann
}
