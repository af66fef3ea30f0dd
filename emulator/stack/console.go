package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
)

// startConsole serves the web console on addr until ctx ends. Its table
// browser reads the Tablestore the functions use. On a RocketMQ cluster
// the console's parts that act on the local RocketMQ (sending, backlogs,
// offset resets) answer 501 Not Implemented, saying why.
func (s *Stack) startConsole(ctx context.Context, addr string, cfg Config) error {
	svc := console.Services{
		Bridge: s.Bridge,
		Logs: func(function, requestID string) []byte {
			if inv, ok := s.Invokers[function]; ok {
				return inv.Logs(requestID)
			}
			return nil
		},
		Instances: s.Instances(),
	}
	if s.Tablestore != nil {
		cred := s.Tablestore.Credentials()
		svc.Tables = console.SDKTables{Client: ots.NewClient(s.TablestoreEndpoint, s.TablestoreInstance, cred.AccessKeyID, cred.AccessKeySecret)}
	} else {
		svc.Tables = console.SDKTables{Client: ots.NewClientWithConfig(s.TablestoreEndpoint, s.TablestoreInstance,
			cfg.TablestoreAccessKeyID, cfg.TablestoreAccessKeySecret, cfg.TablestoreSecurityToken, nil)}
	}
	if s.MQ != nil {
		svc.Broker = s.MQ.Broker()
	}
	c := console.New(svc)
	var h http.Handler = c
	if s.MQ == nil {
		h = withoutBroker(c, fmt.Sprintf("the triggers consume from the RocketMQ cluster at %s, and the local RocketMQ is not started: "+
			"use the cluster's own tools", strings.Join(s.RocketMQNameServers, ",")))
	}
	s.ConsoleToken = console.NewToken()
	srv := new(httpserve.Server)
	url, err := srv.Start(addr, console.Guard(h, s.ConsoleToken))
	if err != nil {
		return fmt.Errorf("web console: %w", err)
	}
	s.ConsoleURL = url
	go c.Run(ctx)
	s.closers = append(s.closers, func(context.Context) error { srv.Shutdown(5 * time.Second); return nil })
	return nil
}

// brokerPaths are the console's paths that act on the local RocketMQ.
var brokerPaths = append([]string{"/api/send"}, console.AdminPaths...)

// withoutBroker answers the console's requests for the local RocketMQ
// with 501 Not Implemented and why, as the console answers errors.
func withoutBroker(h http.Handler, why string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(brokerPaths, r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotImplemented)
		json.NewEncoder(w).Encode(map[string]string{"error": r.URL.Path + " is not available: " + why})
	})
}
