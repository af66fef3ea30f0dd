package remoting

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// heartbeat is the body of HEART_BEAT.
type heartbeat struct {
	ClientID  string `json:"clientID"`
	Producers []struct {
		GroupName string `json:"groupName"`
	} `json:"producerDataSet"`
	Consumers []struct {
		GroupName    string `json:"groupName"`
		MessageModel string `json:"messageModel"`
		Subs         []struct {
			Topic     string `json:"topic"`
			SubString string `json:"subString"`
		} `json:"subscriptionDataSet"`
	} `json:"consumerDataSet"`
}

// member is a client of a group, on a connection.
type member struct {
	conn *conn
	seen time.Time
}

type lockKey struct {
	group, topic string // full names
	queue        int
}

type lockEntry struct {
	client  string
	expires time.Time
}

// registry tracks the clients of producer and consumer groups, from their
// heartbeats, and the queue locks of orderly consumers.
type registry struct {
	mu        sync.Mutex
	consumers map[string]map[string]*member // full group name -> client ID
	producers map[string]map[string]*member
	locks     map[lockKey]lockEntry
}

func (r *registry) init() {
	r.consumers = map[string]map[string]*member{}
	r.producers = map[string]map[string]*member{}
	r.locks = map[lockKey]lockEntry{}
}

// register records a member and reports whether it is new to the group.
func register(groups map[string]map[string]*member, group, client string, c *conn, now time.Time) bool {
	g := groups[group]
	if g == nil {
		g = map[string]*member{}
		groups[group] = g
	}
	m, existed := g[client]
	if existed && m.conn == c {
		m.seen = now
		return false
	}
	g[client] = &member{conn: c, seen: now}
	return !existed
}

// heartbeat serves HEART_BEAT: it registers the client's groups and, for
// each consumer group in clustering mode that may be used, makes its
// %RETRY% topic, as an Apache broker does.
func (s *Server) heartbeat(c *conn, req *Command) *Command {
	var hb heartbeat
	if err := json.Unmarshal(req.Body, &hb); err != nil {
		return response(codeSystemError, "heartbeat body is not JSON heartbeat data: "+err.Error())
	}
	if hb.ClientID == "" {
		return response(codeSystemError, "heartbeat without clientID")
	}
	now := time.Now()
	var changed []string
	for _, cd := range hb.Consumers {
		inst, name := splitName(cd.GroupName)
		if err := s.b.EnsureGroup(inst, name); err != nil {
			return errorResponse(err, codeSystemError)
		}
		if cd.MessageModel != "BroadCasting" {
			if err := s.b.CreateTopic(inst, retryPrefix+name); err != nil {
				return errorResponse(err, codeSystemError)
			}
		}
		s.clients.mu.Lock()
		if register(s.clients.consumers, cd.GroupName, hb.ClientID, c, now) {
			changed = append(changed, cd.GroupName)
		}
		s.clients.mu.Unlock()
	}
	s.clients.mu.Lock()
	for _, pd := range hb.Producers {
		register(s.clients.producers, pd.GroupName, hb.ClientID, c, now)
	}
	s.clients.mu.Unlock()
	for _, g := range changed {
		s.notifyConsumers(g)
	}
	return ok()
}

// unregister serves UNREGISTER_CLIENT.
func (s *Server) unregister(req *Command) *Command {
	h := ext(req.ExtFields)
	client := h["clientID"]
	var changed []string
	s.clients.mu.Lock()
	if g := h["consumerGroup"]; g != "" {
		if _, ok := s.clients.consumers[g][client]; ok {
			delete(s.clients.consumers[g], client)
			changed = append(changed, g)
		}
		s.clients.unlockClient(g, client)
	}
	if g := h["producerGroup"]; g != "" {
		delete(s.clients.producers[g], client)
	}
	s.clients.mu.Unlock()
	for _, g := range changed {
		s.notifyConsumers(g)
	}
	return ok()
}

// dropConn forgets the members on a closed connection and their locks.
func (r *registry) dropConn(c *conn, s *Server) {
	r.mu.Lock()
	changed := r.drop(func(m *member) bool { return m.conn == c })
	r.mu.Unlock()
	for _, g := range changed {
		s.notifyConsumers(g)
	}
}

// expire forgets the members without a heartbeat for clientTimeout.
func (r *registry) expire(now time.Time, s *Server) {
	r.mu.Lock()
	changed := r.drop(func(m *member) bool { return now.Sub(m.seen) > clientTimeout })
	for k, l := range r.locks {
		if now.After(l.expires) {
			delete(r.locks, k)
		}
	}
	r.mu.Unlock()
	for _, g := range changed {
		s.notifyConsumers(g)
	}
}

// drop removes the members gone says are gone and returns the consumer
// groups that changed. r.mu is held.
func (r *registry) drop(gone func(*member) bool) []string {
	var changed []string
	for g, ms := range r.consumers {
		for id, m := range ms {
			if gone(m) {
				delete(ms, id)
				r.unlockClient(g, id)
				if !slices.Contains(changed, g) {
					changed = append(changed, g)
				}
			}
		}
		if len(ms) == 0 {
			delete(r.consumers, g)
		}
	}
	for g, ms := range r.producers {
		for id, m := range ms {
			if gone(m) {
				delete(ms, id)
			}
		}
		if len(ms) == 0 {
			delete(r.producers, g)
		}
	}
	return changed
}

// unlockClient releases a client's queue locks in a group. r.mu is held.
func (r *registry) unlockClient(group, client string) {
	for k, l := range r.locks {
		if k.group == group && l.client == client {
			delete(r.locks, k)
		}
	}
}

// notifyConsumers tells a group's consumers that its members changed, so
// they rebalance at once (NOTIFY_CONSUMER_IDS_CHANGED).
func (s *Server) notifyConsumers(group string) {
	s.clients.mu.Lock()
	var conns []*conn
	for _, m := range s.clients.consumers[group] {
		if !slices.Contains(conns, m.conn) {
			conns = append(conns, m.conn)
		}
	}
	s.clients.mu.Unlock()
	for _, c := range conns {
		if err := c.send(reqNotifyConsumerIdsChange, map[string]string{"consumerGroup": group}, nil, SerializeJSON); err != nil {
			s.log.Debug("remoting: notifying a consumer", "group", group, "error", err)
		}
	}
}

// consumerList serves GET_CONSUMER_LIST_BY_GROUP.
func (s *Server) consumerList(req *Command) *Command {
	group, err := ext(req.ExtFields).need("consumerGroup")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	s.clients.mu.Lock()
	ids := make([]string, 0, len(s.clients.consumers[group]))
	for id := range s.clients.consumers[group] {
		ids = append(ids, id)
	}
	s.clients.mu.Unlock()
	if len(ids) == 0 {
		return response(codeSystemError, "no consumer of group "+group+" is connected")
	}
	slices.Sort(ids)
	return jsonResponse(map[string]any{"consumerIdList": ids})
}

// producerConn returns a connection of a producer group, for checks.
func (r *registry) producerConn(group string) *conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *member
	for _, m := range r.producers[group] {
		if best == nil || m.seen.After(best.seen) {
			best = m
		}
	}
	if best == nil {
		return nil
	}
	return best.conn
}

// producerGroups lists the producer groups with a connected member.
func (r *registry) producerGroups() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var gs []string
	for g := range r.producers {
		gs = append(gs, g)
	}
	return gs
}

type messageQueue struct {
	Topic      string `json:"topic"`
	BrokerName string `json:"brokerName"`
	QueueID    int    `json:"queueId"`
}

type lockBody struct {
	ConsumerGroup string         `json:"consumerGroup"`
	ClientID      string         `json:"clientId"`
	MQSet         []messageQueue `json:"mqSet"`
}

// lockQueues serves LOCK_BATCH_MQ: each queue not locked by another
// client is locked for lockLifetime (renewed by locking again), and the
// queues locked are returned.
func (s *Server) lockQueues(req *Command) *Command {
	var lb lockBody
	if err := json.Unmarshal(req.Body, &lb); err != nil {
		return response(codeSystemError, "lock body is not JSON: "+err.Error())
	}
	now := time.Now()
	locked := []messageQueue{}
	s.clients.mu.Lock()
	for _, mq := range lb.MQSet {
		k := lockKey{lb.ConsumerGroup, mq.Topic, mq.QueueID}
		if l, held := s.clients.locks[k]; held && l.client != lb.ClientID && now.Before(l.expires) {
			continue
		}
		s.clients.locks[k] = lockEntry{client: lb.ClientID, expires: now.Add(lockLifetime)}
		locked = append(locked, mq)
	}
	s.clients.mu.Unlock()
	return jsonResponse(map[string]any{"lockOKMQSet": locked})
}

// unlockQueues serves UNLOCK_BATCH_MQ.
func (s *Server) unlockQueues(req *Command) *Command {
	var lb lockBody
	if err := json.Unmarshal(req.Body, &lb); err != nil {
		return response(codeSystemError, "unlock body is not JSON: "+err.Error())
	}
	s.clients.mu.Lock()
	for _, mq := range lb.MQSet {
		k := lockKey{lb.ConsumerGroup, mq.Topic, mq.QueueID}
		if l, held := s.clients.locks[k]; held && l.client == lb.ClientID {
			delete(s.clients.locks, k)
		}
	}
	s.clients.mu.Unlock()
	return ok()
}
