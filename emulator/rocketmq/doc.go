// Package rocketmq is a local RocketMQ instance: an HTTP server speaking
// the MQ HTTP protocol that the official MQ HTTP SDKs publish to and
// consume from unchanged, on the broker of package broker, with its data in
// an embedded store in a data directory, or in memory for tests.
//
//	srv, err := rocketmq.New(rocketmq.Config{Dir: "data"})
//	endpoint, err := srv.Start("127.0.0.1:0")
//	cred := srv.Credentials()
//	client := mq_http_sdk.NewAliyunMQClient(endpoint, cred.AccessKeyID, cred.AccessKeySecret, "")
//
// # Protocol
//
// POST /topics/{topic}/messages publishes (201); GET consumes a batch of up
// to 16 with long polling up to 30 s (404 MessageNotExist when none),
// orderly with trans=order, and unresolved half messages for a
// transactional producer's check-back with trans=pop; DELETE acks receipt
// handles (204, or 404 with an <Errors> entry per failed handle), and with
// trans=commit or trans=rollback resolves a half message. The ns parameter
// selects an instance namespace. Special properties (KEYS,
// __STARTDELIVERTIME, __TransCheckT, __SHARDINGKEY) travel in the
// Properties field as the SDK writes them.
//
// # Auth
//
// Requests are verified as the service does: the Authorization "MQ
// <AccessKeyId>:<Signature>" HMAC-SHA1 over the method, Content-MD5,
// Content-Type, Date, the x-mq-* headers and the request URI; the body's
// Content-MD5 (base64 of the hex MD5); the Date within 15 minutes; and for
// STS credentials (IssueSTS) the security-token header and its expiry.
// Failures answer SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied,
// InvalidDigest, MissingDateHeader, InvalidDateHeader or TimeExpired.
//
// The headers are checked before the body is read: the signature covers
// the Content-MD5, so a request that is not signed is refused without its
// body being read, and the body read for a signed one must match it
// (InvalidDigest). The bodies of the requests being served hold at most
// 64 MB at once; a request that does not fit waits up to 2 s for room,
// then answers 429 TooManyRequests, as the service answers a throttled
// request (the SDK does not retry). Failures are logged at most once a
// second per error code, with what the request sent cut to 256 bytes, so
// bad requests cannot fill the log.
//
// # Connections
//
// A connection is cut when its request headers take over 10 s to arrive,
// the whole request over 30 s, or the answer over 60 s from the end of the
// headers, and when it stays idle over 2 minutes between requests
// (Config.Timeouts changes them). Legitimate requests finish well within
// them: the write timeout covers a long poll of 30 s, the longest
// waitseconds, with room for the body and the answer (the SDK itself waits
// 35 s); the largest body, 16 MB, takes a fraction of 30 s on any link;
// and the SDK closes its idle connections after 10 s.
package rocketmq
