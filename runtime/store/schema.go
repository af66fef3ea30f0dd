package store

import (
	"reflect"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// primaryKey is the SDK primary key of row v. An autoincrement column
// whose value is zero becomes the AUTO_INCREMENT placeholder when
// placeholder is set.
func primaryKey(s *rowtype.Schema, v reflect.Value, placeholder bool) *tablestore.PrimaryKey {
	pk := new(tablestore.PrimaryKey)
	for i := range s.PK {
		c := &s.PK[i]
		x := c.Value(v)
		if c.AutoInc && placeholder && x == int64(0) {
			pk.AddPrimaryKeyColumnWithAutoIncrement(c.Name)
			continue
		}
		pk.AddPrimaryKeyColumn(c.Name, x)
	}
	return pk
}
