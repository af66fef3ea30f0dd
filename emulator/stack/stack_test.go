package stack_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// TestPlayersEndToEnd publishes player messages with the official MQ HTTP
// SDK to the local RocketMQ; the local EventBridge delivers them in a
// batch to the players function, built and run as FC runs it; the rows it
// writes are read back with the official Tablestore SDK.
func TestPlayersEndToEnd(t *testing.T) {
	proj, err := syaml.Load("testdata/players.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, stack.Config{Project: proj})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())

	mqCred := s.MQ.Credentials()
	p := mq.NewAliyunMQClient(s.MQEndpoint, mqCred.AccessKeyID, mqCred.AccessKeySecret, "").GetProducer("MQ_INST_test", "players")
	for i := 0; i < 5; i++ {
		body := fmt.Sprintf(`{"id":"%d","name":"p%d","job":"mage","hero":"Lux"}`, 1000+i, i)
		if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body, MessageTag: "register"}); err != nil {
			t.Fatal(err)
		}
	}
	tsCred := s.Tablestore.Credentials()
	c := tablestore.NewClient(s.TablestoreEndpoint, s.Tablestore.Instance(), tsCred.AccessKeyID, tsCred.AccessKeySecret)
	var names map[string]string
	testwait.Until(t, 60*time.Second, "5 player rows", func() bool {
		var n int
		n, names = countPlayers(c)
		return n == 5
	})
	if names["1003"] != "p3" {
		t.Fatalf("row 1003 Name = %q", names["1003"])
	}
}

func countPlayers(c *tablestore.TableStoreClient) (int, map[string]string) {
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	start.AddPrimaryKeyColumnWithMinValue("id")
	end.AddPrimaryKeyColumnWithMaxValue("id")
	resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
		TableName: "players", StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, ColumnsToGet: []string{"Name"}}})
	if err != nil {
		return 0, nil
	}
	names := map[string]string{}
	for _, r := range resp.Rows {
		for _, col := range r.Columns {
			names[r.PrimaryKey.PrimaryKeys[0].Value.(string)] = col.Value.(string)
		}
	}
	return len(resp.Rows), names
}
