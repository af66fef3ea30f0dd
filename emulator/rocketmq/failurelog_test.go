package rocketmq_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/conntest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

// TestFailureLogIsBounded: 1000 refused requests with 8 KB paths and
// access key IDs write a log of a few lines, each cut short.
func TestFailureLogIsBounded(t *testing.T) {
	log := conntest.NewLog()
	srv, _ := start(t, rocketmq.Config{Logger: log.Logger})
	huge := strings.Repeat("x", 8<<10)
	i := 0
	log.Check(t, srv, 1000, 2, func(url string) *http.Request {
		i++
		if i%2 == 0 {
			req, _ := http.NewRequest(http.MethodGet, url+"/"+huge, nil) // ResourceNotFound
			return req
		}
		req, _ := http.NewRequest(http.MethodGet, url+"/topics/"+huge+"/messages?consumer=GID_a", nil)
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("Authorization", "MQ "+huge+":sig") // InvalidAccessKeyId
		return req
	})
}
