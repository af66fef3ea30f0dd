package tablestore

import (
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

// answer is what an action answers: a protobuf message, or a
// wireMarshaler that encodes itself.
type answer any

// action is one API action: how to decode its request and answer it.
type action struct {
	newRequest  func() proto.Message
	handle      func(*Server, proto.Message) (answer, error)
	unsupported string // why the emulator does not serve it, if it does not
}

// op adapts a typed handler to an action.
func op[R any, PR interface {
	*R
	proto.Message
}](h func(*Server, PR) (answer, error)) action {
	return action{
		newRequest: func() proto.Message { return PR(new(R)) },
		handle:     func(s *Server, m proto.Message) (answer, error) { return h(s, m.(PR)) },
	}
}

func unsupported(why string) action {
	return action{newRequest: func() proto.Message { return nil }, unsupported: why}
}

var actions = map[string]action{
	"CreateTable":              op((*Server).createTable),
	"ListTable":                op((*Server).listTable),
	"DescribeTable":            op((*Server).describeTable),
	"UpdateTable":              op((*Server).updateTable),
	"DeleteTable":              op((*Server).deleteTable),
	"PutRow":                   op((*Server).putRow),
	"GetRow":                   op((*Server).getRow),
	"UpdateRow":                op((*Server).updateRow),
	"DeleteRow":                op((*Server).deleteRow),
	"BatchGetRow":              op((*Server).batchGetRow),
	"BatchWriteRow":            op((*Server).batchWriteRow),
	"GetRange":                 op((*Server).getRange),
	"ComputeSplitPointsBySize": op((*Server).computeSplitPoints),
	"StartLocalTransaction": op(func(s *Server, r *pb.StartLocalTransactionRequest) (answer, error) {
		return s.txns.start(r)
	}),
	"CommitTransaction": op(func(s *Server, r *pb.CommitTransactionRequest) (answer, error) {
		return s.txns.commit(r)
	}),
	"AbortTransaction": op(func(s *Server, r *pb.AbortTransactionRequest) (answer, error) {
		return s.txns.abort(r)
	}),

	"CreateSearchIndex":   unsupported("search indexes are not emulated"),
	"ListSearchIndex":     unsupported("search indexes are not emulated"),
	"DeleteSearchIndex":   unsupported("search indexes are not emulated"),
	"DescribeSearchIndex": unsupported("search indexes are not emulated"),
	"Search":              unsupported("search indexes are not emulated"),
	"CreateIndex":         unsupported("secondary indexes are not emulated"),
	"DropIndex":           unsupported("secondary indexes are not emulated"),
	"ListStream":          unsupported("streams are not emulated"),
	"DescribeStream":      unsupported("streams are not emulated"),
	"GetShardIterator":    unsupported("streams are not emulated"),
	"GetStreamRecord":     unsupported("streams are not emulated"),
}
