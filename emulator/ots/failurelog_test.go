package ots_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/internal/conntest"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// TestFailureLogIsBounded: 1000 refused requests with 8 KB actions,
// access key IDs and instance names write a log of a few lines, each cut
// short.
func TestFailureLogIsBounded(t *testing.T) {
	log := conntest.NewLog()
	srv, _ := start(t, ots.Config{Logger: log.Logger})
	huge := strings.Repeat("x", 8<<10)
	i := 0
	log.Check(t, srv, 1000, 2, func(url string) *http.Request {
		i++
		if i%2 == 0 {
			req, _ := http.NewRequest(http.MethodPost, url+"/"+huge, nil) // OTSParameterInvalid
			return req
		}
		req, _ := http.NewRequest(http.MethodPost, url+"/ListTable", nil)
		sign(req.Header, srv, "ListTable", nil)
		req.Header.Set("x-ots-accesskeyid", huge)
		req.Header.Set("x-ots-instancename", huge) // OTSAuthFailed
		return req
	})
}
