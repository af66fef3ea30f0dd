// Command badstop answers every invocation and exits with status 7 when
// it is sent SIGTERM, as a function that fails its shutdown does.
package main

import (
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("FC_CUSTOM_LISTEN_PORT"))
	if err != nil {
		os.Exit(1)
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	<-term
	os.Exit(7)
}
