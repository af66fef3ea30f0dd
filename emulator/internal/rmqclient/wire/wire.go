// Package wire is the JSON-lines protocol between package rmqclient and
// its driver program.
package wire

import "time"

// Request is one line on the driver's stdin.
type Request struct {
	ID int    `json:"id"`
	Op string `json:"op"` // producer, txproducer, send, consumer, shutdown, and the v5 ops below
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

	// The 5.x client (ops v5producer, v5send, v5consumer, v5receive,
	// v5ack, v5change, v5stop): Endpoint is the gRPC endpoint
	// (host:port), Plaintext dials without TLS, Topics are a producer's
	// topics, Subscriptions a simple consumer's (topic: tag expression),
	// Await its long polling; Max and Invisible are a receive's batch
	// size and invisible duration; Handle names a received message (its
	// receipt handle as received); Transaction sends a message in a
	// transaction and then commits, rolls back or leaves it (commit,
	// rollback, none).
	Endpoint      string            `json:"endpoint,omitempty"`
	Plaintext     bool              `json:"plaintext,omitempty"`
	Topics        []string          `json:"topics,omitempty"`
	Subscriptions map[string]string `json:"subscriptions,omitempty"`
	Await         time.Duration     `json:"await,omitempty"`
	Max           int               `json:"max,omitempty"`
	Invisible     time.Duration     `json:"invisible,omitempty"`
	Handle        string            `json:"handle,omitempty"`
	Transaction   string            `json:"transaction,omitempty"`

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
	// MessageGroup and DeliverAt (ms since the epoch) are the 5.x
	// client's FIFO and delay attributes.
	MessageGroup string `json:"messageGroup,omitempty"`
	DeliverAt    int64  `json:"deliverAt,omitempty"`
}

// Reply answers the Request of the same ID.
type Reply struct {
	ID     int     `json:"id"`
	Error  string  `json:"error,omitempty"`
	Result *Result `json:"result,omitempty"`
	State  string  `json:"state,omitempty"` // of a transaction
	// Messages are what a 5.x receive got; Handle a changed receipt
	// handle.
	Messages []Delivered `json:"messages,omitempty"`
	Handle   string      `json:"handle,omitempty"`
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
	// Of the 5.x client.
	ReceiptHandle   string `json:"receiptHandle,omitempty"`
	MessageGroup    string `json:"messageGroup,omitempty"`
	DeliverAt       int64  `json:"deliverAt,omitempty"`
	DeliveryAttempt int    `json:"deliveryAttempt,omitempty"`
}
