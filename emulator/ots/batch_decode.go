package ots

import (
	"errors"
	"fmt"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"google.golang.org/protobuf/encoding/protowire"
)

// decodeBatchWrite decodes a BatchWriteRowRequest by hand into the same
// message proto.Unmarshal builds: the generic path reflects over the SDK's
// legacy types field by field, which costs more than the rest of reading
// a 200-row batch. Unknown fields are skipped; missing required fields
// and malformed wire data are errors, as with proto.Unmarshal.
func decodeBatchWrite(b []byte) (*pb.BatchWriteRowRequest, error) {
	req := &pb.BatchWriteRowRequest{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			t, err := decodeBatchTable(v)
			if err != nil {
				return fmt.Errorf("tables[%d]: %w", len(req.Tables), err)
			}
			req.Tables = append(req.Tables, t)
		case num == 2 && typ == protowire.BytesType:
			s := string(v)
			req.TransactionId = &s
		case num <= 2:
			return errWireType(num)
		}
		return nil
	})
	return req, err
}

func decodeBatchTable(b []byte) (*pb.TableInBatchWriteRowRequest, error) {
	t := &pb.TableInBatchWriteRowRequest{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			s := string(v)
			t.TableName = &s
		case num == 2 && typ == protowire.BytesType:
			r, err := decodeBatchRow(v)
			if err != nil {
				return fmt.Errorf("rows[%d]: %w", len(t.Rows), err)
			}
			t.Rows = append(t.Rows, r)
		case num <= 2:
			return errWireType(num)
		}
		return nil
	})
	if err == nil && t.TableName == nil {
		err = errors.New("required field table_name not set")
	}
	return t, err
}

func decodeBatchRow(b []byte) (*pb.RowInBatchWriteRowRequest, error) {
	r := &pb.RowInBatchWriteRowRequest{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch {
		case num == 1 && typ == protowire.VarintType:
			r.Type = pb.OperationType(int32(x)).Enum()
		case num == 2 && typ == protowire.BytesType:
			r.RowChange = v
		case num == 3 && typ == protowire.BytesType:
			if r.Condition == nil {
				r.Condition = &pb.Condition{}
			}
			err = decodeCondition(v, r.Condition)
		case num == 4 && typ == protowire.BytesType:
			if r.ReturnContent == nil {
				r.ReturnContent = &pb.ReturnContent{}
			}
			err = decodeReturnContent(v, r.ReturnContent)
		case num <= 4:
			err = errWireType(num)
		}
		return err
	})
	switch {
	case err != nil:
	case r.Type == nil:
		err = errors.New("required field type not set")
	case r.RowChange == nil:
		err = errors.New("required field row_change not set")
	case r.Condition == nil:
		err = errors.New("required field condition not set")
	}
	return r, err
}

// decodeCondition merges a Condition into c, as repeated occurrences of a
// message field merge.
func decodeCondition(b []byte, c *pb.Condition) error {
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.VarintType:
			c.RowExistence = pb.RowExistenceExpectation(int32(x)).Enum()
		case num == 2 && typ == protowire.BytesType:
			c.ColumnCondition = v
		case num <= 2:
			return errWireType(num)
		}
		return nil
	})
	if err == nil && c.RowExistence == nil {
		err = errors.New("condition: required field row_existence not set")
	}
	return err
}

func decodeReturnContent(b []byte, rc *pb.ReturnContent) error {
	return fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.VarintType:
			rc.ReturnType = pb.ReturnType(int32(x)).Enum()
		case num == 2 && typ == protowire.BytesType:
			rc.ReturnColumnNames = append(rc.ReturnColumnNames, string(v))
		case num <= 2:
			return errWireType(num)
		}
		return nil
	})
}

// fields calls f for each field of a message: v holds a length-delimited
// field's bytes, x a varint field's value. Fields of other wire types are
// skipped after f has seen them.
func fields(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		if num > protowire.MaxValidNumber {
			return fmt.Errorf("field number %d out of range", num)
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

func errWireType(num protowire.Number) error {
	return fmt.Errorf("field %d has the wrong wire type", num)
}
