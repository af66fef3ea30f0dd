package ots

import (
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
)

// answer is what an action answers: a protobuf message, or a
// wireMarshaler that encodes itself.
type answer any

// action is one API action: how to decode its request and answer it.
type action struct {
	handle      func(s *Server, name string, body []byte) (answer, error)
	unsupported string // why the emulator does not serve it, if it does not
}

// op adapts a typed handler to an action that decodes its request with
// proto.Unmarshal.
func op[R any, PR interface {
	*R
	sdkproto.Message
}](h func(*Server, PR) (answer, error)) action {
	return opWith(func(b []byte) (PR, error) {
		req := PR(new(R))
		return req, sdkproto.Unmarshal(b, req)
	}, h)
}

// opWith adapts a typed handler to an action with its own decoder.
func opWith[PR any](decode func([]byte) (PR, error), h func(*Server, PR) (answer, error)) action {
	return action{handle: func(s *Server, name string, body []byte) (answer, error) {
		req, err := decode(body)
		if err != nil {
			return nil, invalid("Failed to parse the ProtoBuf message of %s: %v.", name, err)
		}
		return h(s, req)
	}}
}

func unsupported(why string) action { return action{unsupported: why} }

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
	"BatchWriteRow":            opWith(decodeBatchWrite, (*Server).batchWriteRow),
	"GetRange":                 op((*Server).getRange),
	"ComputeSplitPointsBySize": op((*Server).computeSplitPoints),
	"CreateIndex":              op((*Server).createIndex),
	"DropIndex":                op((*Server).dropIndex),
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
	"ListStream":          op((*Server).listStream),
	"DescribeStream":      op((*Server).describeStream),
	"GetShardIterator":    op((*Server).getShardIterator),
	"GetStreamRecord":     op((*Server).getStreamRecord),
}
