package cluster

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// Intervals of the consumer's upkeep, as rocketmq-client-go's defaults.
const (
	heartbeatInterval = 30 * time.Second
	rebalanceInterval = 20 * time.Second
	callTimeout       = 10 * time.Second
	// maxSuspend is how long a pull waits at the broker at most.
	maxSuspend = 20 * time.Second
)

// Config configures a Source.
type Config struct {
	// NameServers are the cluster's name servers (host:port); required.
	NameServers []string
	// Credentials sign requests for a cluster with ACL.
	Credentials remoting.Credentials
	// ClientID identifies this consumer among the groups' others; empty
	// means "rocketfn@<hostname>@<pid>".
	ClientID string
	// InvisibleTime is how long a delivered message waits for its Ack
	// before it is delivered again (broker.DefaultInvisibleTime when 0).
	InvisibleTime time.Duration
	// Logger receives failures of the upkeep; nil discards them.
	Logger *slog.Logger
}

// Source consumes topics of a RocketMQ cluster for the local EventBridge.
type Source struct {
	cfg  Config
	log  *slog.Logger
	id   string
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu     sync.Mutex
	conns  map[string]*remoting.Client // by address
	subs   map[subKey]*sub
	kick   chan struct{} // a rebalance is due (a group's members changed)
	closed bool
}

type subKey struct{ instance, topic, group string }

// Open connects to the cluster's name servers and starts the upkeep
// (heartbeats and rebalancing). It fails when no name server answers.
func Open(ctx context.Context, cfg Config) (*Source, error) {
	if len(cfg.NameServers) == 0 {
		return nil, errors.New("cluster: no name server")
	}
	if cfg.InvisibleTime <= 0 {
		cfg.InvisibleTime = broker.DefaultInvisibleTime
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	id := cfg.ClientID
	if id == "" {
		host, _ := os.Hostname()
		id = fmt.Sprintf("rocketfn@%s@%d", host, os.Getpid())
	}
	runCtx, stop := context.WithCancel(context.Background())
	s := &Source{cfg: cfg, log: log, id: id, ctx: runCtx, stop: stop,
		conns: map[string]*remoting.Client{}, subs: map[subKey]*sub{}, kick: make(chan struct{}, 1)}
	// A topic list query shows the name server answers, and how it signs.
	if _, err := s.nameServerCall(ctx, &remoting.Command{Code: 206}); err != nil {
		stop()
		s.closeConns()
		return nil, err
	}
	s.wg.Add(1)
	go s.upkeep()
	return s, nil
}

// Close stops the upkeep, commits the offsets of acknowledged messages and
// closes the connections.
func (s *Source) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	subs := mapValues(s.subs)
	s.mu.Unlock()
	s.stop()
	s.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	for _, sb := range subs {
		s.unregister(ctx, sb)
	}
	s.closeConns()
	return nil
}

func (s *Source) closeConns() {
	s.mu.Lock()
	conns := mapValues(s.conns)
	s.conns = map[string]*remoting.Client{}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// conn returns the connection to addr, dialing it when needed.
func (s *Source) conn(ctx context.Context, addr string) (*remoting.Client, error) {
	s.mu.Lock()
	c := s.conns[addr]
	s.mu.Unlock()
	if c != nil {
		select {
		case <-c.Done():
		default:
			return c, nil
		}
	}
	c, err := remoting.Dial(ctx, addr, s.cfg.Credentials, s.onRequest)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.conns[addr]; old != nil && old != c {
		old.Close()
	}
	s.conns[addr] = c
	return c, nil
}

// onRequest handles what brokers send: NOTIFY_CONSUMER_IDS_CHANGED
// triggers a rebalance.
func (s *Source) onRequest(cmd *remoting.Command) {
	if cmd.Code == 40 {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// call sends a request to addr and checks for success codes.
func (s *Source) call(ctx context.Context, addr string, req *remoting.Command, okCodes ...int16) (*remoting.Command, error) {
	c, err := s.conn(ctx, addr)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout+maxSuspend)
	defer cancel()
	resp, err := c.Call(cctx, req)
	if err != nil {
		return nil, fmt.Errorf("cluster: %s: request %d: %w", addr, req.Code, err)
	}
	if resp.Code != 0 && !slices.Contains(okCodes, resp.Code) {
		return resp, &CodeError{Addr: addr, Request: req.Code, Code: resp.Code, Remark: resp.Remark}
	}
	return resp, nil
}

// CodeError is a broker's or name server's refusal.
type CodeError struct {
	Addr          string
	Request, Code int16
	Remark        string
}

func (e *CodeError) Error() string {
	return fmt.Sprintf("cluster: %s: request %d: response code %d: %s", e.Addr, e.Request, e.Code, e.Remark)
}

// nameServerCall asks the name servers in turn.
func (s *Source) nameServerCall(ctx context.Context, req *remoting.Command) (*remoting.Command, error) {
	var errs []error
	for _, ns := range s.cfg.NameServers {
		resp, err := s.call(ctx, ns, req)
		if err == nil {
			return resp, nil
		}
		var ce *CodeError
		if errors.As(err, &ce) {
			return nil, err // the name server answered
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// mq is a queue of the cluster.
type mq struct {
	brokerName string
	addr       string
	id         int
}

// route returns the readable queues of a topic, sorted by broker and ID.
func (s *Source) route(ctx context.Context, fullTopic string) ([]mq, error) {
	resp, err := s.nameServerCall(ctx, &remoting.Command{Code: 105, ExtFields: map[string]string{"topic": fullTopic}})
	if err != nil {
		var ce *CodeError
		if errors.As(err, &ce) && ce.Code == 17 {
			return nil, fmt.Errorf("%w: %s", broker.ErrTopicNotExist, ce.Remark)
		}
		return nil, err
	}
	var rd struct {
		QueueDatas []struct {
			BrokerName    string `json:"brokerName"`
			ReadQueueNums int    `json:"readQueueNums"`
			Perm          int    `json:"perm"`
		} `json:"queueDatas"`
		BrokerDatas []struct {
			BrokerName  string            `json:"brokerName"`
			BrokerAddrs map[string]string `json:"brokerAddrs"`
		} `json:"brokerDatas"`
	}
	if err := json.Unmarshal(fixBrokerIDs(resp.Body), &rd); err != nil {
		return nil, fmt.Errorf("cluster: route of %s: %w", fullTopic, err)
	}
	addrs := map[string]string{}
	for _, bd := range rd.BrokerDatas {
		addrs[bd.BrokerName] = bd.BrokerAddrs["0"] // the master
	}
	var out []mq
	for _, qd := range rd.QueueDatas {
		if qd.Perm&4 == 0 || addrs[qd.BrokerName] == "" {
			continue
		}
		for i := range qd.ReadQueueNums {
			out = append(out, mq{brokerName: qd.BrokerName, addr: addrs[qd.BrokerName], id: i})
		}
	}
	slices.SortFunc(out, func(a, b mq) int {
		return cmp.Or(cmp.Compare(a.brokerName, b.brokerName), cmp.Compare(a.id, b.id))
	})
	return out, nil
}

// fixBrokerIDs quotes the numeric keys of brokerAddrs that Java name
// servers write ({0:"host:port"}), which is not JSON.
func fixBrokerIDs(b []byte) []byte {
	s := string(b)
	var out strings.Builder
	for {
		i := strings.Index(s, `"brokerAddrs":{`)
		if i < 0 {
			out.WriteString(s)
			return []byte(out.String())
		}
		i += len(`"brokerAddrs":{`)
		out.WriteString(s[:i])
		s = s[i:]
		end := strings.IndexByte(s, '}')
		if end < 0 {
			out.WriteString(s)
			return []byte(out.String())
		}
		for j, part := range strings.Split(s[:end], ",") {
			if j > 0 {
				out.WriteByte(',')
			}
			k, v, ok := strings.Cut(part, ":")
			if ok && !strings.HasPrefix(strings.TrimSpace(k), `"`) {
				k = strconv.Quote(strings.TrimSpace(k))
			}
			out.WriteString(k)
			if ok {
				out.WriteString(":" + v)
			}
		}
		s = s[end:]
	}
}

// upkeep sends heartbeats and rebalances until Close.
func (s *Source) upkeep() {
	defer s.wg.Done()
	hb := time.NewTicker(heartbeatInterval)
	defer hb.Stop()
	rb := time.NewTicker(rebalanceInterval)
	defer rb.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-hb.C:
			s.heartbeatAll(s.ctx)
		case <-rb.C:
			s.rebalanceAll(s.ctx)
		case <-s.kick:
			s.rebalanceAll(s.ctx)
		}
	}
}

func (s *Source) allSubs() []*sub {
	s.mu.Lock()
	defer s.mu.Unlock()
	return mapValues(s.subs)
}

func (s *Source) heartbeatAll(ctx context.Context) {
	for _, sb := range s.allSubs() {
		if err := s.heartbeat(ctx, sb); err != nil {
			s.log.Warn("cluster: heartbeat", "topic", sb.fullTopic, "group", sb.fullGroup, "error", err)
		}
	}
}

func (s *Source) rebalanceAll(ctx context.Context) {
	for _, sb := range s.allSubs() {
		if err := s.rebalance(ctx, sb); err != nil {
			s.log.Warn("cluster: rebalance", "topic", sb.fullTopic, "group", sb.fullGroup, "error", err)
		}
	}
}

// heartbeat registers this client as a consumer of sb's group on every
// broker of its topic.
func (s *Source) heartbeat(ctx context.Context, sb *sub) error {
	sb.mu.Lock()
	tag := sb.tag
	sb.mu.Unlock()
	if tag == "" {
		tag = "*"
	}
	body, _ := json.Marshal(map[string]any{
		"clientID":        s.id,
		"producerDataSet": []any{},
		"consumerDataSet": []any{map[string]any{
			"groupName": sb.fullGroup, "consumeType": "CONSUME_ACTIVELY", "messageModel": "CLUSTERING",
			"consumeFromWhere": "CONSUME_FROM_FIRST_OFFSET", "unitMode": false,
			"subscriptionDataSet": []any{map[string]any{"classFilterMode": false, "topic": sb.fullTopic,
				"subString": tag, "tagsSet": []string{}, "codeSet": []int{}, "subVersion": time.Now().UnixMilli(), "expressionType": "TAG"}},
		}},
	})
	mqs, err := s.route(ctx, sb.fullTopic)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, q := range mqs {
		if done[q.addr] {
			continue
		}
		done[q.addr] = true
		if _, err := s.call(ctx, q.addr, &remoting.Command{Code: 34, Body: body}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) unregister(ctx context.Context, sb *sub) {
	sb.mu.Lock()
	queues := mapValues(sb.queues)
	sb.mu.Unlock()
	addrs := map[string]bool{}
	for _, q := range queues {
		s.commit(ctx, sb, q)
		addrs[q.mq.addr] = true
	}
	for addr := range addrs {
		s.call(ctx, addr, &remoting.Command{Code: 35, ExtFields: map[string]string{"clientID": s.id, "consumerGroup": sb.fullGroup}})
	}
}

// allocate is AllocateMessageQueueAveragely: this client's share of mqs
// among the sorted client IDs.
func allocate(mqs []mq, ids []string, me string) []mq {
	idx := slices.Index(ids, me)
	if idx < 0 || len(mqs) == 0 {
		return nil
	}
	n, c := len(mqs), len(ids)
	mod := n % c
	size := n / c
	if n <= c {
		size = 1
	} else if mod > 0 && idx < mod {
		size++
	}
	start := idx*size + mod
	if mod > 0 && idx < mod {
		start = idx * size
	}
	var out []mq
	for i := 0; i < min(size, n-start); i++ {
		out = append(out, mqs[(start+i)%n])
	}
	return out
}

// rebalance gives sb the queues this client owns among its group's
// members, committing the offsets of the queues it gives up.
func (s *Source) rebalance(ctx context.Context, sb *sub) error {
	mqs, err := s.route(ctx, sb.fullTopic)
	if err != nil {
		return err
	}
	ids := []string{s.id}
	if len(mqs) > 0 {
		resp, err := s.call(ctx, mqs[0].addr, &remoting.Command{Code: 38, ExtFields: map[string]string{"consumerGroup": sb.fullGroup}})
		if err == nil {
			var body struct {
				IDs []string `json:"consumerIdList"`
			}
			if json.Unmarshal(resp.Body, &body) == nil && slices.Contains(body.IDs, s.id) {
				ids = body.IDs
			}
		}
	}
	slices.Sort(ids)
	mine := allocate(mqs, ids, s.id)
	sb.mu.Lock()
	var gone []*queue
	keep := map[mq]bool{}
	for _, q := range mine {
		keep[q] = true
		if sb.queues[q] == nil {
			sb.queues[q] = &queue{mq: q, next: -1, committed: -1, flights: map[int64]*flight{}}
		}
	}
	for k, q := range sb.queues {
		if !keep[k] {
			gone = append(gone, q)
			delete(sb.queues, k)
		}
	}
	sb.assigned = true
	sb.mu.Unlock()
	for _, q := range gone {
		s.commit(ctx, sb, q)
	}
	return nil
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// The names of instance, topic and group as the cluster has them.
func fullName(instance, name string) string {
	if instance == "" {
		return name
	}
	return instance + "%" + name
}

// checkTag parses a consumer's tag expression.
func checkTag(expr string) (tagexpr.Expr, error) {
	e, err := tagexpr.Parse(expr)
	if err != nil {
		return e, fmt.Errorf("%w: %w", broker.ErrInvalidArgument, err)
	}
	return e, nil
}
