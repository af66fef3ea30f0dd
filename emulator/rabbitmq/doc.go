// Package rabbitmq is RabbitMQ for the local stack: a real broker, Debian's
// rabbitmq-server, run for a test or for rocketfn dev; a source that
// consumes one queue and acknowledges only what its handler handled; and
// the CloudEvent that EventBridge delivers to Function Compute for a
// RabbitMQ message.
//
//	srv, err := rabbitmq.StartServer(ctx, rabbitmq.ServerOptions{})
//	defer srv.Close()
//	src, err := rabbitmq.NewSource(rabbitmq.SourceConfig{
//		URL: srv.URL(), Queue: "orders", Prefetch: 16,
//		Handler: func(ctx context.Context, batch []rabbitmq.Delivery) error { ... },
//	})
//	go src.Run(ctx)
//	ev, err := rabbitmq.NewEvent(source, delivery, rabbitmq.EventMeta{ID: id, Time: now})
//
// Tests start brokers through package rabbitmqtest.
//
// # Server
//
// StartServer runs the package's broker script
// (/usr/lib/rabbitmq/bin/rabbitmq-server, not the /usr/sbin wrapper, which
// runs as the rabbitmq user on /var/lib/rabbitmq) as the calling user, with
// everything of its own: the node name rfn-<random>@localhost, free
// loopback ports for AMQP and for Erlang distribution, an epmd on a port of
// its own (run by the server in the foreground, so that no daemon epmd
// outlives it), and its data, logs, rabbitmq.conf, enabled_plugins (none:
// no management plugin) and Erlang cookie (HOME) in its directory. The
// system's /etc/rabbitmq is not read, and a system instance (on 5672 and
// 4369) neither disturbs it nor is used. StartServer returns once an
// AMQP connection succeeds, retrying until the start timeout; a first
// start takes several seconds. A missing package is ErrNotInstalled,
// which names it.
//
// Stop stops the broker gracefully and Restart starts it again on the same
// data, ports and node name; Kill kills it as a crash would. Close leaves
// no process behind: the script, the Erlang VM, its port programs (which
// start sessions of their own, so a process group does not hold them) and
// the epmd are found by parentage and killed if a graceful stop leaves
// any. If the process that started a server dies, the script gets SIGTERM
// and stops the broker, and the epmd gets SIGKILL; only the directory is
// then left behind. AddVHost and DeleteVHost use rabbitmqctl.
//
// # Source
//
// A Source consumes one queue of a virtual host with a prefetch (basic.qos)
// and hands the deliveries to its handler in batches of up to BatchSize,
// one batch at a time. When the handler returns nil the batch is
// acknowledged (one multiple ack of its last delivery tag); when it
// returns an error the batch is returned to the queue (multiple nack with
// requeue) and comes again marked redelivered, after a backoff. When the
// connection or the channel closes, the source reconnects with backoff.
//
// An acknowledgement counts (OnAck) only once the broker has answered a
// basic.qos sent after it on the same channel: AMQP has no answer to an
// ack, but a channel's frames are handled in order. An acknowledgement
// written just as the connection drops is therefore not counted, and the
// batch comes again, redelivered. Delivery is at least once: what the
// handler handled may come again; what the broker confirmed acknowledged
// does not, across graceful restarts. A crash of the broker can lose
// acknowledgements it had not yet written to disk, and those messages come
// again too.
//
// # Event
//
// NewEvent builds the CloudEvent for a delivery. What is documented, in the
// samples of the Function Compute page "触发器event格式" (formats of event
// for different triggers, RabbitMQ trigger;
// https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers)
// and of the EventBridge page on custom event sources of the RabbitMQ type
// (https://www.alibabacloud.com/help/en/eventbridge/latest/create-a-custom-event-source-of-the-message-queue-for-rabbitmq-type),
// both reproduced in testdata:
//
//   - type amqp:Queue:SendMessage, specversion 1.0, datacontenttype
//     application/json;charset=utf-8;
//   - source is the event source's name: RabbitMQ-<function>-<trigger> for
//     a Function Compute trigger (the sample's
//     RabbitMQ-Function-rabbitmq-trigger), also the aliyuneventbusname;
//     any name for a custom source (housekeeping.rabbitmq);
//   - subject acs:amqp:<region>:<account>:/instances/<instance>/vhosts/<vhost>/queues/<queue>;
//   - the aliyun* attributes aliyunaccountid, aliyunpublishtime,
//     aliyunoriginalaccountid, aliyuneventbusname, aliyunregionid and
//     aliyunpublishaddr (missing from the EventBridge sample);
//   - data with envelope {deliveryTag, exchange, redeliver, routingKey}
//     (redeliver, not redelivered), body, and props holding only the
//     properties that are set (the samples show contentEncoding and
//     messageId);
//   - a body that is a JSON object arrives as that object, not as a
//     string ({"Hello":"RabbitMQ"});
//   - in event-streaming mode a batch is a JSON array of such events.
//
// What is a choice, where the documentation says nothing:
//
//   - The other props keep the names of the samples' style, the bean names
//     of RabbitMQ's Java client (contentType, headers, deliveryMode,
//     priority, correlationId, replyTo, expiration, type, userId, appId;
//     the samples' envelope and props match that client's Envelope and
//     BasicProperties), and a property is left out when it is unset. The
//     client library does not tell unset from zero, so priority 0, for
//     one, is left out too.
//   - props.timestamp is Unix milliseconds, as Java's JSON libraries
//     write that client's Date by default.
//   - headers are a JSON object: strings, numbers and booleans as
//     themselves, nested tables and arrays as objects and arrays,
//     timestamps as Unix milliseconds, byte arrays as base64 strings,
//     decimals as numbers; a value JSON cannot hold (NaN) is an error.
//   - body: a JSON object or array (after surrounding white space) is
//     embedded, compacted, as the samples show for an object; any other
//     body is a JSON string: its text when it is UTF-8, its standard base64
//     when it is not (as the Function Compute Kafka trigger documents for
//     binary values). A JSON number, boolean, null or string body stays
//     text ("42" is the string "42"), since a text message that happens to
//     parse would otherwise change type. A base64 body cannot be told from
//     text by the event alone; the contentType property may say which.
//   - time is when the source received the message and aliyunpublishtime
//     when the event was published (EventMeta; the samples show them apart
//     and do not define them); both are written as in the samples, UTC with
//     milliseconds. The AMQP timestamp property is not used for time: it
//     is optional and has whole seconds.
//   - One region makes both subject and aliyunregionid; the Function
//     Compute sample shows two different ones (cn-hangzhou, cn-chengdu).
//   - Names go into the subject as they are: the default virtual host "/"
//     makes vhosts///queues.
package rabbitmq
