package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// captureMarker starts a payload in a function's log line:
//
//	<anything> rocketfn-capture: <payload>
//
// where the payload is JSON running to the end of the line or, better when
// log systems quote or escape lines, standard base64 of the JSON (what
// follows it on the line, such as a closing quote, is ignored).
const captureMarker = "rocketfn-capture:"

// maxLogLine bounds a log line: a 32 MB payload in base64 and its prefix.
const maxLogLine = 48 << 20

// payloadsFromLog reads the payloads of the marked lines of a log file,
// in order. A marked line whose payload cannot be read is a problem,
// reported with its line number; the others are still read.
func payloadsFromLog(path string) ([]capturedPayload, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxLogLine)
	var payloads []capturedPayload
	var problems []string
	for n := 1; sc.Scan(); n++ {
		data, ok, err := logPayload(sc.Text())
		source := fmt.Sprintf("%s:%d", path, n)
		switch {
		case err != nil:
			problems = append(problems, source+": "+err.Error())
		case ok:
			payloads = append(payloads, capturedPayload{source: source, label: "log", data: data})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return payloads, problems, nil
}

// logPayload returns the payload of a log line; ok is false for a line
// without the marker.
func logPayload(line string) (payload []byte, ok bool, err error) {
	_, rest, found := strings.Cut(line, captureMarker)
	if !found {
		return nil, false, nil
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "[") {
		var raw json.RawMessage
		if err := json.NewDecoder(strings.NewReader(rest)).Decode(&raw); err != nil {
			return nil, true, fmt.Errorf("JSON payload: %w", err)
		}
		return raw, true, nil
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !isBase64Char(r) })
	if end < 0 {
		end = len(rest)
	}
	if end == 0 {
		return nil, true, errors.New("no payload after the marker")
	}
	b, err := base64.StdEncoding.DecodeString(rest[:end])
	if err != nil {
		return nil, true, fmt.Errorf("base64 payload: %w", err)
	}
	if !json.Valid(b) {
		return nil, true, errors.New("base64 payload: not JSON")
	}
	return b, true, nil
}

func isBase64Char(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '='
}
