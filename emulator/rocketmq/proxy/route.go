package proxy

import (
	"context"
	"errors"
	"net"
	"strconv"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// allTypes are the message types a topic's queues accept. A topic of
// the local broker has no type of its own (one made by s.yaml or
// --topic takes any), so its queues accept the four.
var allTypes = []v2.MessageType{v2.MessageType_NORMAL, v2.MessageType_FIFO, v2.MessageType_DELAY, v2.MessageType_TRANSACTION}

// endpoints is the server's address as routes give it.
func (s *Server) endpoints() *v2.Endpoints {
	host, port, _ := net.SplitHostPort(s.Addr())
	p, _ := strconv.Atoi(port)
	scheme := v2.AddressScheme_IPv4
	if ip := net.ParseIP(host); ip == nil {
		scheme = v2.AddressScheme_DOMAIN_NAME
	} else if ip.To4() == nil {
		scheme = v2.AddressScheme_IPv6
	}
	return &v2.Endpoints{Scheme: scheme, Addresses: []*v2.Address{{Host: host, Port: int32(p)}}}
}

// routeEndpoints are the endpoints a route gives: as 5.x servers in
// cluster mode, those the client asked with (the address it reached the
// server by) on the server's port; the server's own address when the
// request has none.
func (s *Server) routeEndpoints(req *v2.Endpoints) *v2.Endpoints {
	own := s.endpoints()
	if len(req.GetAddresses()) == 0 || req.GetScheme() == v2.AddressScheme_ADDRESS_SCHEME_UNSPECIFIED {
		return own
	}
	port := own.Addresses[0].Port
	out := &v2.Endpoints{Scheme: req.GetScheme()}
	for _, a := range req.GetAddresses() {
		out.Addresses = append(out.Addresses, &v2.Address{Host: a.GetHost(), Port: port})
	}
	return out
}

// brokerOf is the broker entry of routes.
func (s *Server) brokerOf() *v2.Broker {
	return &v2.Broker{Name: s.cfg.BrokerName, Id: 0, Endpoints: s.endpoints()}
}

// QueryRoute answers a topic's queues, all on this server. A topic that
// does not exist is TOPIC_NOT_FOUND on a strict broker (as under rocketfn
// dev) and is created otherwise.
func (s *Server) QueryRoute(ctx context.Context, req *v2.QueryRouteRequest) (*v2.QueryRouteResponse, error) {
	mqs, err := s.queryRoute(ctx, req)
	return &v2.QueryRouteResponse{Status: status(err), MessageQueues: mqs}, nil
}

func (s *Server) queryRoute(ctx context.Context, req *v2.QueryRouteRequest) ([]*v2.MessageQueue, error) {
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	topic := req.GetTopic()
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	inst, name := topic.GetResourceNamespace(), topic.GetName()
	if err := s.b.EnsureTopic(inst, name); err != nil {
		return nil, routeError(err, name)
	}
	qs, err := s.b.Queues(inst, name)
	if err != nil {
		return nil, err
	}
	br := &v2.Broker{Name: s.cfg.BrokerName, Id: 0, Endpoints: s.routeEndpoints(req.GetEndpoints())}
	mqs := make([]*v2.MessageQueue, 0, len(qs))
	for _, q := range qs {
		mqs = append(mqs, &v2.MessageQueue{
			Topic:              &v2.Resource{ResourceNamespace: inst, Name: name},
			Id:                 int32(q.ID),
			Permission:         v2.Permission_READ_WRITE,
			Broker:             br,
			AcceptMessageTypes: allTypes,
		})
	}
	return mqs, nil
}

// QueryAssignment answers the queues a consumer of a group reads, as a
// proxy assigns them to push consumers: one assignment for the broker,
// every queue (-1).
func (s *Server) QueryAssignment(ctx context.Context, req *v2.QueryAssignmentRequest) (*v2.QueryAssignmentResponse, error) {
	as, err := s.queryAssignment(ctx, req)
	return &v2.QueryAssignmentResponse{Status: status(err), Assignments: as}, nil
}

func (s *Server) queryAssignment(ctx context.Context, req *v2.QueryAssignmentRequest) ([]*v2.Assignment, error) {
	if err := s.admit(ctx); err != nil {
		return nil, err
	}
	topic, group := req.GetTopic(), req.GetGroup()
	if err := checkTopic(topic); err != nil {
		return nil, err
	}
	if err := checkGroup(group); err != nil {
		return nil, err
	}
	if err := s.b.EnsureTopic(topic.GetResourceNamespace(), topic.GetName()); err != nil {
		return nil, routeError(err, topic.GetName())
	}
	if err := s.b.EnsureGroup(group.GetResourceNamespace(), group.GetName()); err != nil {
		return nil, err
	}
	return []*v2.Assignment{{MessageQueue: &v2.MessageQueue{
		Topic:              &v2.Resource{ResourceNamespace: topic.GetResourceNamespace(), Name: topic.GetName()},
		Id:                 -1,
		Permission:         v2.Permission_READ_WRITE,
		Broker:             s.brokerOf(),
		AcceptMessageTypes: allTypes,
	}}}, nil
}

// Heartbeat keeps a client known. As 5.x servers answer, a client whose
// settings the server does not have is UNRECOGNIZED_CLIENT_TYPE (so the
// client sends them again), and a consumer's group must be a valid name.
func (s *Server) Heartbeat(ctx context.Context, req *v2.HeartbeatRequest) (*v2.HeartbeatResponse, error) {
	return &v2.HeartbeatResponse{Status: status(s.heartbeat(ctx, req))}, nil
}

func (s *Server) heartbeat(ctx context.Context, req *v2.HeartbeatRequest) error {
	if err := s.admit(ctx); err != nil {
		return err
	}
	id := clientID(ctx)
	if _, ok := s.sessions.awaitSettings(ctx, id); !ok {
		return coded(v2.Code_UNRECOGNIZED_CLIENT_TYPE, "cannot find client settings for this client")
	}
	switch req.GetClientType() {
	case v2.ClientType_PRODUCER:
	case v2.ClientType_SIMPLE_CONSUMER, v2.ClientType_PUSH_CONSUMER:
		if err := checkGroup(req.GetGroup()); err != nil {
			return err
		}
	default:
		return coded(v2.Code_UNRECOGNIZED_CLIENT_TYPE, "%v", req.GetClientType())
	}
	return nil
}

// NotifyClientTermination forgets a client.
func (s *Server) NotifyClientTermination(ctx context.Context, req *v2.NotifyClientTerminationRequest) (*v2.NotifyClientTerminationResponse, error) {
	if err := s.admit(ctx); err != nil {
		return &v2.NotifyClientTerminationResponse{Status: status(err)}, nil
	}
	if id := clientID(ctx); id != "" {
		s.sessions.drop(id)
	}
	return &v2.NotifyClientTerminationResponse{Status: status(nil)}, nil
}

// routeError codes a topic's missing route as 5.x servers do.
func routeError(err error, topic string) error {
	if errors.Is(err, broker.ErrTopicNotExist) {
		return coded(v2.Code_TOPIC_NOT_FOUND, "CODE: 17  DESC: No topic route info in name server for the topic: %s\n(%v)", topic, err)
	}
	return err
}
