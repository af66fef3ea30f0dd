package stack

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/console"
)

// startConsole serves the web console on addr until ctx ends.
func (s *Stack) startConsole(ctx context.Context, addr string) error {
	cred := s.Tablestore.Credentials()
	c := console.New(console.Services{
		Broker: s.MQ.Broker(),
		Bridge: s.Bridge,
		Logs: func(function, requestID string) []byte {
			if inv, ok := s.Invokers[function]; ok {
				return inv.Logs(requestID)
			}
			return nil
		},
		Tables: console.SDKTables{Client: ots.NewClient(s.TablestoreEndpoint, s.Tablestore.Instance(), cred.AccessKeyID, cred.AccessKeySecret)},
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web console: listen: %w", err)
	}
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	s.ConsoleURL = "http://" + l.Addr().String()
	go c.Run(ctx)
	go srv.Serve(l)
	s.closers = append(s.closers, func(context.Context) error { return srv.Close() })
	return nil
}
