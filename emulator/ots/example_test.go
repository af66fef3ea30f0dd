package ots_test

import (
	"fmt"
	"log"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// A local instance in memory on a free loopback port, used through the
// official SDK.
func Example() {
	srv, err := ots.New(ots.Config{}) // Config{Dir: "data"} keeps the data on disk
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	cred := srv.Credentials()
	client := tablestore.NewClient(endpoint, srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)

	meta := &tablestore.TableMeta{TableName: "players"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	if _, err := client.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta,
		TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}); err != nil {
		log.Fatal(err)
	}
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", "p1")
	put := &tablestore.PutRowChange{TableName: "players", PrimaryKey: key}
	put.AddColumn("Name", "Ann")
	put.SetCondition(tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST)
	if _, err := client.PutRow(&tablestore.PutRowRequest{PutRowChange: put}); err != nil {
		log.Fatal(err)
	}
	_, err = client.PutRow(&tablestore.PutRowRequest{PutRowChange: put})
	fmt.Println("second insert:", err.(*tablestore.OtsError).Code)

	row, err := client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "players", PrimaryKey: key, MaxVersion: 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(row.Columns[0].ColumnName, row.Columns[0].Value)
	// Output:
	// second insert: OTSConditionCheckFail
	// Name Ann
}
