package stack

import (
	"context"
	"fmt"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
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
		Tables:    console.SDKTables{Client: ots.NewClient(s.TablestoreEndpoint, s.Tablestore.Instance(), cred.AccessKeyID, cred.AccessKeySecret)},
		Instances: s.Instances(),
	})
	srv := new(httpserve.Server)
	url, err := srv.Start(addr, c)
	if err != nil {
		return fmt.Errorf("web console: %w", err)
	}
	s.ConsoleURL = url
	go c.Run(ctx)
	s.closers = append(s.closers, func(context.Context) error { srv.Shutdown(5 * time.Second); return nil })
	return nil
}
