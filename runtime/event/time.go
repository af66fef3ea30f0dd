package event

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// zones maps the zone abbreviations EventBridge has been seen to append
// to times instead of an offset, as in "2020-11-19T21:04:42.179PRC".
var zones = map[string]*time.Location{
	"PRC": time.FixedZone("PRC", 8*3600),
	"CST": time.FixedZone("CST", 8*3600), // China Standard Time in Alibaba Cloud output
	"UTC": time.UTC,
	"GMT": time.UTC,
}

// ParseTime parses the time forms found in RocketMQ events: RFC 3339 (with
// or without fractional seconds), RFC 3339 with a zone abbreviation instead
// of an offset ("2020-11-19T21:04:42.179PRC"), a date and time separated by
// a space, and epoch milliseconds or seconds as decimal text.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("parse time: empty")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if len(strings.TrimLeft(s, "-")) >= 12 {
			return time.UnixMilli(n), nil
		}
		return time.Unix(n, 0), nil
	}
	layout, loc := "2006-01-02T15:04:05.999999999", time.UTC
	rest := strings.TrimRight(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	if zone := s[len(rest):]; zone != "" {
		l, ok := zones[zone]
		if !ok {
			return time.Time{}, fmt.Errorf("parse time %q: unknown zone %q", s, zone)
		}
		loc, s = l, rest
	}
	if strings.Contains(s, " ") {
		layout = "2006-01-02 15:04:05.999999999"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: not RFC 3339, epoch or a known form", s)
	}
	return t, nil
}
