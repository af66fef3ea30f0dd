package eventbridge

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ReplayResult is the result of replaying one payload file.
type ReplayResult struct {
	Path      string
	RequestID string
	Outcome   Outcome
	Duration  time.Duration
	Err       error // the sink's error, or why the file could not be read
}

// Replay delivers payload files to sink one after the other, each exactly
// as stored. A path names a file or a directory; a directory stands for
// every *.json file below it except the .meta.json sidecars, sorted by
// path, which for a capture directory is per trigger in invocation order.
// Each payload keeps the request ID in its captured file name
// (<time>-<requestID>.json); another file gets one derived from its name
// and content, so replays are repeatable. Replay stops at the first error
// of a path that cannot be listed, before delivering anything, and when
// ctx ends, returning the results so far.
func Replay(ctx context.Context, sink Sink, paths ...string) ([]ReplayResult, error) {
	files, err := replayFiles(paths)
	if err != nil {
		return nil, err
	}
	results := make([]ReplayResult, 0, len(files))
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		results = append(results, replayOne(ctx, sink, f))
	}
	return results, nil
}

// replayOne delivers one payload file.
func replayOne(ctx context.Context, sink Sink, path string) ReplayResult {
	r := ReplayResult{Path: path}
	payload, err := os.ReadFile(path)
	if err != nil {
		r.Err = err
		return r
	}
	r.RequestID = replayRequestID(path, payload)
	start := time.Now()
	r.Outcome, r.Err = sink.Deliver(ctx, payload, r.RequestID)
	r.Duration = time.Since(start)
	return r
}

// replayFiles expands paths into the payload files to replay.
func replayFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("eventbridge: replay: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && isPayloadFile(d.Name()) {
				found = append(found, path)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("eventbridge: replay: %w", err)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

// isPayloadFile reports whether a file name is that of a payload.
func isPayloadFile(name string) bool {
	return strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".meta.json")
}

// replayRequestID is the request ID in a captured file name, or one
// derived from the name and content of another file.
func replayRequestID(path string, payload []byte) string {
	name := strings.TrimSuffix(filepath.Base(path), ".json")
	if stamp, id, ok := strings.Cut(name, "-"); ok && id != "" {
		if _, err := time.Parse(captureLayout, stamp); err == nil {
			return id
		}
	}
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(payload)
	sum := h.Sum(nil)
	return fmt.Sprintf("replay-%x", sum[:12])
}
