package kv

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrClosed is returned by View, Update and Close once the store has been
// closed.
var ErrClosed = errors.New("kv: store is closed")

// Default limits used when the matching Options field is zero.
const (
	// DefaultLockTimeout is how long OpenBolt waits for the file lock.
	DefaultLockTimeout = 2 * time.Second
	// DefaultMaxGroupUpdates caps the number of Updates in one commit.
	DefaultMaxGroupUpdates = 1000
	// DefaultMaxGroupBytes caps the bytes (keys plus values) written by
	// one commit; the Update that crosses it is the last of its group.
	DefaultMaxGroupBytes = 16 << 20
	// DefaultMaxGroupWait bounds how long a group waits for more Updates
	// when the previous group was shared.
	DefaultMaxGroupWait = 500 * time.Microsecond
)

// Options configures OpenBolt. The zero value is durable and uses the
// default limits.
type Options struct {
	// NoSync skips the fsync after each commit. Writes survive a process
	// crash but not a machine crash. Intended for tests.
	NoSync bool
	// LockTimeout bounds the wait for the exclusive file lock held by
	// another process. Zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// MaxGroupUpdates caps how many Updates share one commit. Zero means
	// DefaultMaxGroupUpdates.
	MaxGroupUpdates int
	// MaxGroupBytes caps how many key and value bytes one commit writes.
	// Zero means DefaultMaxGroupBytes.
	MaxGroupBytes int
	// MaxGroupWait bounds how long the committer waits for more Updates
	// before committing a group. It waits only while writers are
	// concurrent (the previous group held several Updates) and only until
	// the group is as large as the previous one, so a lone writer never
	// waits. Zero means DefaultMaxGroupWait; negative never waits.
	MaxGroupWait time.Duration
}

// withDefaults returns o with zero fields replaced by the defaults.
func (o Options) withDefaults() Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.MaxGroupUpdates <= 0 {
		o.MaxGroupUpdates = DefaultMaxGroupUpdates
	}
	if o.MaxGroupBytes <= 0 {
		o.MaxGroupBytes = DefaultMaxGroupBytes
	}
	if o.MaxGroupWait == 0 {
		o.MaxGroupWait = DefaultMaxGroupWait
	}
	return o
}

// Stats counts the work done by a bolt store since it was opened.
type Stats struct {
	// Updates is the number of Update calls whose fn has run.
	Updates uint64
	// Commits is the number of bolt transactions committed. With
	// concurrent writers it is lower than Updates.
	Commits uint64
	// LargestGroup is the largest number of Updates in one commit.
	LargestGroup uint64
}

// checkPut reports whether a Put of bucket, key and value is acceptable to
// both implementations, so a write that passed it cannot fail later while
// a group is being applied.
func checkPut(bucket string, key, value []byte) error {
	switch {
	case bucket == "":
		return fmt.Errorf("kv: put: bucket name is empty")
	case len(bucket) > bolt.MaxKeySize:
		return fmt.Errorf("kv: put: bucket name is %d bytes, limit %d", len(bucket), bolt.MaxKeySize)
	case len(key) == 0:
		return fmt.Errorf("kv: put into %q: key is empty", bucket)
	case len(key) > bolt.MaxKeySize:
		return fmt.Errorf("kv: put into %q: key is %d bytes, limit %d", bucket, len(key), bolt.MaxKeySize)
	case int64(len(value)) > bolt.MaxValueSize:
		return fmt.Errorf("kv: put into %q: value is %d bytes, limit %d", bucket, len(value), int64(bolt.MaxValueSize))
	}
	return nil
}
