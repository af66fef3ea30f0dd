package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// refused reports whether err is a refused connection: nothing listens at
// the address. Some SDKs flatten the network error into text, so the text
// counts too.
func refused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || (err != nil && strings.Contains(err.Error(), "connection refused"))
}

// unreachable turns a refused connection to the local service that
// "rocketfn <command>" serves at addr into an error that names the next
// step: start the local stack there, or point flag at a running service.
// Other errors are returned as they are.
func unreachable(err error, command, addr, flag string) error {
	if !refused(err) {
		return err
	}
	return fmt.Errorf("nothing answers at %s (connection refused): start rocketfn dev (or rocketfn %s) there, or give %s the address of a running one",
		addr, command, flag)
}

// listener is a local address a command will listen on and the flag that
// moves it.
type listener struct{ addr, flag string }

// devListeners returns the addresses rocketfn dev will listen on with f.
func devListeners(f devFlags) []listener {
	var ls []listener
	if f.console != "" {
		ls = append(ls, listener{f.console, "--console"})
	}
	if !f.shared.externalTablestore() {
		ls = append(ls, listener{f.tsListen, "--tablestore-listen"})
	}
	if !f.shared.cluster() {
		ls = append(ls, listener{f.mqListen, "--mq-listen"})
		if p := f.protocols; !p.noRemoting {
			ls = append(ls, listener{p.nameListen, "--nameserver-listen"}, listener{p.brokerListen, "--remoting-listen"})
		}
		if p := f.protocols; !p.noGRPC {
			ls = append(ls, listener{p.grpcListen, "--grpc-listen"})
		}
	}
	return ls
}

// checkListeners tries each address before anything is built, so that a
// port another program holds is reported at once, with the flag that
// moves it. Port 0 (a free port) always passes.
func checkListeners(ls []listener) error {
	for _, l := range ls {
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return fmt.Errorf("%s is in use by another program (another rocketfn dev?): stop it, or move this one with %s (host:port, or host:0 for a free port)", l.addr, l.flag)
			}
			return fmt.Errorf("%s %s: %w", l.flag, l.addr, err)
		}
		ln.Close()
	}
	return nil
}

// dataLocked adds the next step to an error of a data directory another
// process holds.
func dataLocked(err error, dir string) error {
	if !errors.Is(err, kv.ErrLocked) {
		return err
	}
	return fmt.Errorf("%w: another rocketfn is using --data %s; stop it, or give --data another directory, or --memory", err, dir)
}
