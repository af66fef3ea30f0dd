package kv_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Example writes rows in one Update, shows that a failed Update leaves no
// trace, and scans the bucket in both directions.
func Example() {
	dir, err := os.MkdirTemp("", "kv-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := kv.OpenBolt(filepath.Join(dir, "data.db"), kv.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	err = store.Update(func(w kv.Writer) error {
		for _, name := range []string{"ada", "bob", "cyd", "dan"} {
			if err := w.Put("users", []byte(name), []byte("active")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}

	// This Update fails, so its delete is discarded.
	err = store.Update(func(w kv.Writer) error {
		if err := w.Delete("users", []byte("bob")); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println("update:", err)

	err = store.View(func(r kv.Reader) error {
		fmt.Printf("bob: %s\n", r.Get("users", []byte("bob")))
		show := func(k, v []byte) bool { fmt.Printf(" %s", k); return true }
		fmt.Print("from bob up to dan:")
		if err := r.Scan("users", []byte("bob"), []byte("dan"), false, show); err != nil {
			return err
		}
		fmt.Print("\nall, reversed:")
		if err := r.Scan("users", nil, nil, true, show); err != nil {
			return err
		}
		fmt.Println()
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// update: changed my mind
	// bob: active
	// from bob up to dan: bob cyd
	// all, reversed: dan cyd bob ada
}
