// Package wire is the JSON-lines protocol between package rmqclient and
// its driver program.
package wire

import "time"

// Request is one line on the driver's stdin.
type Request struct {
	ID int    `json:"id"`
	Op string `json:"op"` // producer, txproducer, send, consumer, shutdown
	// Name names the producer or consumer (its client instance name).
	Name       string   `json:"name"`
	NameServer []string `json:"nameServer,omitempty"`
	Group      string   `json:"group,omitempty"`
	Namespace  string   `json:"namespace,omitempty"`
	AccessKey  string   `json:"accessKey,omitempty"`
	SecretKey  string   `json:"secretKey,omitempty"`
	// SecurityToken goes with STS credentials.
	SecurityToken string `json:"securityToken,omitempty"`
	// HashSelector makes a producer choose queues by sharding key.
	HashSelector bool `json:"hashSelector,omitempty"`
	// SendTimeout bounds each send of a producer (the client's
	// WithSendMsgTimeout); zero keeps the client's default of 3 s.
	SendTimeout time.Duration `json:"sendTimeout,omitempty"`
	// Exec and Check are a transactional producer's answers: commit,
	// rollback or unknown.
	Exec  string `json:"exec,omitempty"`
	Check string `json:"check,omitempty"`

	Topic    string    `json:"topic,omitempty"`
	Mode     string    `json:"mode,omitempty"` // sync (default), async, oneway
	Messages []Message `json:"messages,omitempty"`

	Tags         string `json:"tags,omitempty"`
	Orderly      bool   `json:"orderly,omitempty"`
	MaxReconsume int    `json:"maxReconsume,omitempty"`
	// Fail makes the consumer fail every message (retry later).
	Fail bool `json:"fail,omitempty"`
}

// Message is a message to send.
type Message struct {
	Body        string            `json:"body"`
	Tag         string            `json:"tag,omitempty"`
	Keys        []string          `json:"keys,omitempty"`
	ShardingKey string            `json:"shardingKey,omitempty"`
	DelayLevel  int               `json:"delayLevel,omitempty"`
	Properties  map[string]string `json:"properties,omitempty"`
}

// Reply answers the Request of the same ID.
type Reply struct {
	ID     int     `json:"id"`
	Error  string  `json:"error,omitempty"`
	Result *Result `json:"result,omitempty"`
	State  string  `json:"state,omitempty"` // of a transaction
}

// Result is a send result.
type Result struct {
	MsgID         string `json:"msgId"`
	OffsetMsgID   string `json:"offsetMsgId"`
	QueueID       int    `json:"queueId"`
	QueueOffset   int64  `json:"queueOffset"`
	TransactionID string `json:"transactionId"`
	Status        int    `json:"status"`
}

// Event is a line the driver writes unasked: a message a consumer
// received, or a transaction check.
type Event struct {
	Event   string     `json:"event"` // message or check
	Name    string     `json:"name"`
	Message *Delivered `json:"message"`
}

// Delivered is a message as a consumer received it.
type Delivered struct {
	MsgID          string            `json:"msgId"`
	OffsetMsgID    string            `json:"offsetMsgId"`
	Topic          string            `json:"topic"`
	Tags           string            `json:"tags"`
	Keys           []string          `json:"keys"`
	Properties     map[string]string `json:"properties"`
	Body           string            `json:"body"`
	QueueID        int               `json:"queueId"`
	QueueOffset    int64             `json:"queueOffset"`
	ReconsumeTimes int               `json:"reconsumeTimes"`
	BornTimestamp  int64             `json:"bornTimestamp"`
}
