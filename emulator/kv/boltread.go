package kv

import (
	"bytes"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// boltReader reads a bolt transaction. Each kv bucket is a top-level bolt
// bucket of the same name.
type boltReader struct {
	tx *bolt.Tx
}

// Get returns the value of key, or nil when the bucket or key is absent.
func (r boltReader) Get(bucket string, key []byte) []byte {
	b := r.tx.Bucket([]byte(bucket))
	if b == nil || len(key) == 0 {
		return nil
	}
	k, v := b.Cursor().Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	if v == nil {
		return []byte{} // present but empty
	}
	return v
}

// Scan walks a bolt cursor within the bounds of Reader.Scan.
func (r boltReader) Scan(bucket string, from, to []byte, reverse bool, fn func(k, v []byte) bool) error {
	b := r.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	c := b.Cursor()
	if reverse {
		for k, v := seekReverse(c, from); k != nil && (to == nil || bytes.Compare(k, to) > 0); k, v = c.Prev() {
			if !fn(k, nonNil(v)) {
				return nil
			}
		}
		return nil
	}
	k, v := c.First()
	if from != nil {
		k, v = c.Seek(from)
	}
	for ; k != nil && (to == nil || bytes.Compare(k, to) < 0); k, v = c.Next() {
		if !fn(k, nonNil(v)) {
			return nil
		}
	}
	return nil
}

// seekReverse positions c on the last key <= from, or the last key when
// from is nil.
func seekReverse(c *bolt.Cursor, from []byte) ([]byte, []byte) {
	if from == nil {
		return c.Last()
	}
	k, v := c.Seek(from)
	switch {
	case k == nil:
		return c.Last()
	case bytes.Compare(k, from) > 0:
		return c.Prev()
	}
	return k, v
}

// nonNil maps the nil bolt returns for some empty values to an empty slice.
func nonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

// applyBolt writes the buffered writes of o into tx.
func applyBolt(tx *bolt.Tx, o *overlay) error {
	for name, bo := range o.buckets {
		if err := applyBoltBucket(tx, []byte(name), bo); err != nil {
			return fmt.Errorf("kv: apply writes to bucket %q: %w", name, err)
		}
	}
	return nil
}

// applyBoltBucket writes the buffered writes of one bucket into tx.
func applyBoltBucket(tx *bolt.Tx, name []byte, bo *bucketOverlay) error {
	if bo.dropped {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
	}
	b := tx.Bucket(name)
	var err error
	bo.entries.Ascend(func(e entry) bool {
		switch {
		case e.deleted && b != nil:
			err = b.Delete(e.key)
		case e.deleted:
		case b == nil:
			if b, err = tx.CreateBucket(name); err == nil {
				err = b.Put(e.key, e.value)
			}
		default:
			err = b.Put(e.key, e.value)
		}
		return err == nil
	})
	return err
}
