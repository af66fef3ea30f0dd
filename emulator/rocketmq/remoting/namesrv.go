package remoting

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Topic permissions of route data.
const (
	permWrite = 1 << 1
	permRead  = 1 << 2
)

type queueData struct {
	BrokerName     string `json:"brokerName"`
	ReadQueueNums  int    `json:"readQueueNums"`
	WriteQueueNums int    `json:"writeQueueNums"`
	Perm           int    `json:"perm"`
	TopicSynFlag   int    `json:"topicSynFlag"`
}

type brokerData struct {
	Cluster     string            `json:"cluster"`
	BrokerName  string            `json:"brokerName"`
	BrokerAddrs map[string]string `json:"brokerAddrs"`
}

type topicRoute struct {
	OrderTopicConf string       `json:"orderTopicConf,omitempty"`
	QueueDatas     []queueData  `json:"queueDatas"`
	BrokerDatas    []brokerData `json:"brokerDatas"`
}

// routeInfo serves GET_ROUTEINFO_BY_TOPIC. A strict broker knows only the
// topics created for it and answers TOPIC_NOT_EXIST for others, as a name
// server does for a topic no broker has; a lenient one creates the topic,
// so consumers started before the first send find it.
func (s *Server) routeInfo(req *Command) *Command {
	full, err := ext(req.ExtFields).need("topic")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	instance, topic := splitName(full)
	if err := s.b.EnsureTopic(instance, topic); err != nil {
		if errors.Is(err, broker.ErrTopicNotExist) {
			return response(codeTopicNotExist, fmt.Sprintf("No topic route info in name server for the topic: %s (%v)", full, err))
		}
		return errorResponse(err, codeSystemError)
	}
	qs, err := s.b.Queues(instance, topic)
	if err != nil {
		return errorResponse(err, codeSystemError)
	}
	perm := permRead | permWrite
	if strings.HasPrefix(topic, dlqPrefix) {
		perm = permWrite
	}
	route := topicRoute{
		QueueDatas: []queueData{{BrokerName: s.cfg.BrokerName, ReadQueueNums: len(qs), WriteQueueNums: len(qs), Perm: perm}},
		BrokerDatas: []brokerData{{Cluster: s.cfg.Cluster, BrokerName: s.cfg.BrokerName,
			BrokerAddrs: map[string]string{"0": s.BrokerAddr()}}},
	}
	return jsonResponse(route)
}

// clusterInfo serves GET_BROKER_CLUSTER_INFO.
func (s *Server) clusterInfo() *Command {
	return jsonResponse(map[string]any{
		"brokerAddrTable": map[string]brokerData{s.cfg.BrokerName: {Cluster: s.cfg.Cluster, BrokerName: s.cfg.BrokerName,
			BrokerAddrs: map[string]string{"0": s.BrokerAddr()}}},
		"clusterAddrTable": map[string][]string{s.cfg.Cluster: {s.cfg.BrokerName}},
	})
}

// topicList serves GET_ALL_TOPIC_LIST_FROM_NAMESERVER: every topic of
// every instance, namespaced.
func (s *Server) topicList() *Command {
	insts, err := s.b.Instances()
	if err != nil {
		return errorResponse(err, codeSystemError)
	}
	list := []string{}
	for _, inst := range insts {
		topics, err := s.b.Topics(inst)
		if err != nil {
			return errorResponse(err, codeSystemError)
		}
		for _, t := range topics {
			list = append(list, joinName(inst, t))
		}
	}
	return jsonResponse(map[string]any{"topicList": list})
}

func jsonResponse(v any) *Command {
	b, err := json.Marshal(v)
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	resp := ok()
	resp.Body = b
	return resp
}
