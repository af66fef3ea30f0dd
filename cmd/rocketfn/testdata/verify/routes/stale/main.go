// Package main is a verify fixture that serves without reporting its
// routes, as a function built with a runtime older than the report does.
package main

import (
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", os.Getenv("FC_CUSTOM_LISTEN_PORT")))
	if err != nil {
		os.Exit(1)
	}
	http.Serve(ln, http.NotFoundHandler())
}
