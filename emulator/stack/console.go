package stack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
)

// startConsole serves the web console on addr until ctx ends. Its table
// browser reads the Tablestore the functions use; its send form offers
// the topics of s.yaml's triggers and of Config.Topics. On a RocketMQ
// cluster the console's parts that act on the local RocketMQ (sending,
// topics and backlogs, offset resets, message search) answer 501 Not
// Implemented, saying why.
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
		Topics:    consoleTopics(cfg),
		Clock:     cfg.Clock,
		Builds:    s.consoleBuilds,
	}
	if s.Tablestore != nil {
		cred := s.Tablestore.Credentials()
		svc.Tables = console.SDKTables{Client: tablestore.NewClient(s.TablestoreEndpoint, s.TablestoreInstance, cred.AccessKeyID, cred.AccessKeySecret)}
	} else {
		svc.Tables = console.SDKTables{Client: tablestore.NewClientWithConfig(s.TablestoreEndpoint, s.TablestoreInstance,
			cfg.TablestoreAccessKeyID, cfg.TablestoreAccessKeySecret, cfg.TablestoreSecurityToken, nil)}
	}
	if s.MQ != nil {
		svc.Broker = s.MQ.Broker()
	} else {
		svc.NoBroker = fmt.Sprintf("the triggers consume from the RocketMQ cluster at %s, and the local RocketMQ is not started: "+
			"use the cluster's own tools", strings.Join(s.RocketMQNameServers, ","))
	}
	c := console.New(svc)
	s.ConsoleToken = console.NewToken()
	srv := new(httpserve.Server)
	url, err := srv.Start(addr, console.Guard(c, s.ConsoleToken))
	if err != nil {
		return fmt.Errorf("web console: %w", err)
	}
	s.ConsoleURL = url
	go c.Run(ctx)
	s.closers = append(s.closers, func(context.Context) error { srv.Shutdown(5 * time.Second); return nil })
	return nil
}

// consoleTopics are the topics the console's send form offers: those of
// s.yaml's RocketMQ triggers (running here or not) and Config.Topics.
func consoleTopics(cfg Config) []console.Topic {
	var out []console.Topic
	for _, f := range cfg.Project.Functions {
		for _, t := range f.Triggers {
			if t.Type == "eventbridge" && t.Topic != "" {
				out = append(out, console.Topic{Instance: t.Instance, Topic: t.Topic})
			}
		}
	}
	for _, n := range cfg.Topics {
		out = append(out, console.Topic{Instance: n.Instance, Topic: n.Name})
	}
	return out
}

// consoleBuilds is the last build of each function, as the console shows
// it.
func (s *Stack) consoleBuilds() []console.Build {
	var out []console.Build
	for _, b := range s.Builds() {
		out = append(out, console.Build{Function: b.Function, OK: b.OK, Error: b.Error, Time: b.Time, DurationMs: b.DurationMs, Generation: b.Generation})
	}
	return out
}
