package remoting_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// ioTimeout bounds each read and write of these tests, so that a server
// that hangs fails the test instead of stopping it; no result depends on
// it.
const ioTimeout = 30 * time.Second

// rawConn is a client connection that writes bytes as given and reads
// what the server sends with ReadCommand.
type rawConn struct {
	t      *testing.T
	nc     net.Conn
	r      *bufio.Reader
	opaque int32
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}
}

func (c *rawConn) write(b []byte) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// send writes a request, numbering it when it has no opaque.
func (c *rawConn) send(req *remoting.Command) {
	c.t.Helper()
	if req.Opaque == 0 {
		c.opaque++
		req.Opaque = c.opaque
	}
	frame, err := remoting.AppendFrame(nil, req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.write(frame)
}

func (c *rawConn) read() *remoting.Command {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(ioTimeout))
	resp, err := remoting.ReadCommand(c.r, remoting.MaxFrame, nil)
	if err != nil {
		c.t.Fatalf("reading a response: %v", err)
	}
	return resp
}

// call sends a request and reads its response.
func (c *rawConn) call(req *remoting.Command) *remoting.Command {
	c.t.Helper()
	c.send(req)
	resp := c.read()
	if !resp.IsResponse() || resp.Opaque != req.Opaque || resp.Serialize != req.Serialize {
		c.t.Fatalf("request %d (opaque %d, serialization %d) answered by %s", req.Code, req.Opaque, req.Serialize, describeCmd(resp))
	}
	return resp
}

// expectClosed checks that the server closes the connection without
// sending anything.
func (c *rawConn) expectClosed(what string) {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(ioTimeout))
	resp, err := remoting.ReadCommand(c.r, remoting.MaxFrame, nil)
	switch {
	case err == nil:
		c.t.Errorf("%s: answered with %s, want the connection closed", what, describeCmd(resp))
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
	default:
		c.t.Errorf("%s: reading gives %v, want the connection closed", what, err)
	}
}

func rawRequest(code int16, ser byte, ext map[string]string, body []byte) *remoting.Command {
	return &remoting.Command{Code: code, Language: "GO", Version: 317, ExtFields: ext, Body: body, Serialize: ser}
}

const reqTopicList = 206 // GET_ALL_TOPIC_LIST_FROM_NAMESERVER, answered by both listeners

// serves checks that a new connection to addr is served.
func serves(t *testing.T, addr string) {
	t.Helper()
	if resp := dialRaw(t, addr).call(rawRequest(reqTopicList, remoting.SerializeJSON, nil, nil)); resp.Code != 0 {
		t.Fatalf("topic list: %s", describeCmd(resp))
	}
}

func lengthPrefix(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func TestBadFramesCloseTheConnection(t *testing.T) {
	e := start(t)
	good, _ := remoting.AppendFrame(nil, rawRequest(reqTopicList, remoting.SerializeJSON, nil, nil))
	cases := []struct {
		name  string
		bytes []byte
	}{
		{"length MaxFrame+1", lengthPrefix(remoting.MaxFrame + 1)},
		{"length 2^31", lengthPrefix(1 << 31)},
		{"length 2^32-1", lengthPrefix(0xFFFFFFFF)},
		{"length 0", lengthPrefix(0)},
		{"length 3", append(lengthPrefix(3), 0, 0, 0)},
		{"serialization 2", frameOf(2, good[8:], nil)},
		{"serialization 255", frameOf(255, good[8:], nil)},
		{"header longer than the frame", append(lengthPrefix(6), 0, 0, 0, 9, '{', '}')},
		{"truncated JSON header", frameOf(0, []byte(`{"code":206,"opaque":`), nil)},
		{"JSON header not an object", frameOf(0, []byte(`["code",206]`), nil)},
		{"JSON header with a string code", frameOf(0, []byte(`{"code":"206","opaque":1}`), nil)},
		{"JSON header with a number extField", frameOf(0, []byte(`{"code":206,"opaque":1,"extFields":{"queueId":0}}`), nil)},
		{"empty JSON header", frameOf(0, nil, []byte(`{"code":206}`))},
		{"truncated binary header", frameOf(1, binaryHeader(reqTopicList, 9, 317, 1, 0, "", nil)[:20], nil)},
		{"binary extFields past the header", frameOf(1, append(binaryHeader(reqTopicList, 9, 317, 1, 0, "", nil)[:17], 0, 0, 1, 0), nil)},
	}
	for _, addr := range []string{e.brokerAddr, e.nameServer} {
		for _, tc := range cases {
			c := dialRaw(t, addr)
			if resp := c.call(rawRequest(reqTopicList, remoting.SerializeJSON, nil, nil)); resp.Code != 0 {
				t.Fatalf("%s: the request before: %s", tc.name, describeCmd(resp))
			}
			c.write(tc.bytes)
			c.expectClosed(tc.name)
			serves(t, addr)
		}
	}
}

func TestFrameOfMaxFrameIsRead(t *testing.T) {
	e := start(t)
	req := rawRequest(reqTopicList, remoting.SerializeRocketMQ, nil, nil)
	req.Opaque = 1
	header, _ := remoting.AppendFrame(nil, req)
	req.Body = make([]byte, remoting.MaxFrame-(len(header)-4))
	c := dialRaw(t, e.brokerAddr)
	frame, _ := remoting.AppendFrame(nil, req)
	if n := binary.BigEndian.Uint32(frame); n != remoting.MaxFrame {
		t.Fatalf("a frame of %d bytes", n)
	}
	c.write(frame)
	if resp := c.read(); resp.Code != 0 || resp.Opaque != 1 {
		t.Fatalf("a frame of MaxFrame bytes: %s", describeCmd(resp))
	}
}

func TestUnknownRequestCode(t *testing.T) {
	e := start(t)
	for _, ser := range []byte{remoting.SerializeJSON, remoting.SerializeRocketMQ} {
		c := dialRaw(t, e.brokerAddr)
		req := rawRequest(12345, ser, map[string]string{"topic": "t"}, []byte("body"))
		req.Opaque = 4242
		resp := c.call(req)
		if resp.Code != 3 || !strings.Contains(resp.Remark, "12345") {
			t.Errorf("serialization %d: unknown code answered with %s, want code 3 (REQUEST_CODE_NOT_SUPPORTED) naming 12345", ser, describeCmd(resp))
		}
		// A oneway request of an unknown code gets no answer: the next
		// answer on the connection is the next request's.
		oneway := rawRequest(-3, ser, nil, nil)
		oneway.Flag, oneway.Opaque = 2, 5000
		c.send(oneway)
		next := rawRequest(reqTopicList, ser, nil, nil)
		next.Opaque = 5001
		if resp := c.call(next); resp.Code != 0 {
			t.Errorf("serialization %d: after a oneway unknown code: %s", ser, describeCmd(resp))
		}
		// A command marked as a response is not answered either.
		stray := rawRequest(0, ser, nil, nil)
		stray.Flag, stray.Opaque = 1, 6000
		c.send(stray)
		next.Opaque = 6001
		c.call(next)
	}
}

// illegalSends are send requests a broker refuses with MESSAGE_ILLEGAL,
// all to the topic "illegal".
func illegalSends() []struct {
	name string
	code int16
	ext  map[string]string
	body []byte
} {
	v1 := func(kv ...string) map[string]string {
		m := map[string]string{"producerGroup": "GID_bad", "topic": "illegal", "queueId": "0", "sysFlag": "0",
			"bornTimestamp": "1717000000000", "flag": "0", "properties": "", "reconsumeTimes": "0"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "<none>" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	msg := func(body, props string) []byte { return batchItem(0, []byte(body), props) }
	ok := msg("fine", "TAGS\x01a\x02")
	long := binary.BigEndian.AppendUint32(nil, uint32(len(ok)+2))
	long = append(append(long, ok[4:]...), 0, 0)
	return []struct {
		name string
		code int16
		ext  map[string]string
		body []byte
	}{
		{"no topic", 10, v1("topic", "<none>"), []byte("x")},
		{"empty topic", 10, v1("topic", ""), []byte("x")},
		{"empty topic, V2", 310, map[string]string{"a": "GID_bad", "b": "", "e": "0"}, []byte("x")},
		{"no topic (b), V2 batch", 320, map[string]string{"a": "GID_bad", "e": "0", "m": "true"}, ok},
		{"bad topic name", 10, v1("topic", "ill egal"), []byte("x")},
		{"queueId not a number", 10, v1("queueId", "zero"), []byte("x")},
		{"queueId past int64", 10, v1("queueId", "9223372036854775808"), []byte("x")},
		{"queueId past MaxQueues", 10, v1("queueId", strconv.Itoa(broker.MaxQueues)), []byte("x")},
		{"queueId past the topic's queues", 10, v1("queueId", strconv.Itoa(broker.DefaultQueues)), []byte("x")},
		{"queueId not a number, V2", 310, map[string]string{"a": "GID_bad", "b": "illegal", "e": "1.5"}, []byte("x")},
		{"sysFlag not a number", 10, v1("sysFlag", "compressed"), []byte("x")},
		{"reconsumeTimes not a number", 10, v1("reconsumeTimes", "-"), []byte("x")},
		{"property without a separator", 10, v1("properties", "TAGS"), []byte("x")},
		{"property with an empty key", 10, v1("properties", "\x01v\x02"), []byte("x")},
		{"property value with a separator", 10, v1("properties", "k\x01v\x01w\x02"), []byte("x")},
		{"second property malformed", 10, v1("properties", "TAGS\x01a\x02KEYS\x02"), []byte("x")},
		{"DELAY not a level", 10, v1("properties", "DELAY\x01soon\x02"), []byte("x")},
		{"__STARTDELIVERTIME not a time", 10, v1("properties", "__STARTDELIVERTIME\x01-1\x02"), []byte("x")},
		{"compressed body that does not inflate", 10, v1("sysFlag", "1"), []byte("not zlib")},
		{"empty batch", 320, v1(), nil},
		{"batch of 3 bytes", 320, v1(), []byte{0, 0, 0}},
		{"batch message cut", 320, v1(), ok[:len(ok)-1]},
		{"batch message size under 22", 320, v1(), append(binary.BigEndian.AppendUint32(nil, 21), ok[4:]...)},
		{"batch message size past the body", 320, v1(), append(binary.BigEndian.AppendUint32(nil, uint32(len(ok)+1)), ok[4:]...)},
		{"batch message with bytes after its properties", 320, v1(), long},
		{"batch body length past the message", 320, v1(), batchFields(22, 0xFFFFFFFF, nil, 0, "")},
		{"batch properties length past the message", 320, v1(), batchFields(24, 2, []byte("b1"), 0xFFFF, "")},
		{"batch properties shorter than their length", 320, v1(), batchFields(27, 0, nil, 6, "k\x01v\x02\x02")},
		{"second batch message malformed", 320, v1(), append(ok[:len(ok):len(ok)], 0, 0, 0, 30, 0)},
		{"second batch message with a bad property", 320, v1(), append(ok[:len(ok):len(ok)], msg("b2", "k")...)},
		{"delayed message in a batch", 320, v1(), append(ok[:len(ok):len(ok)], msg("b2", "DELAY\x012\x02")...)},
		{"batch flag on SEND_MESSAGE", 10, v1("batch", "true"), []byte("not a batch")},
		{"batch flag on SEND_MESSAGE_V2", 310, map[string]string{"a": "GID_bad", "b": "illegal", "e": "0", "m": "true"}, []byte{0, 0, 0, 1}},
	}
}

// batchItem encodes a message of a batch body as rocketmq-client-go's
// Message.Marshal does.
func batchItem(flag uint32, body []byte, props string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(22+len(body)+len(props)))
	b = binary.BigEndian.AppendUint32(b, 0) // magic code, 0 from that client
	b = binary.BigEndian.AppendUint32(b, 0) // body CRC
	b = binary.BigEndian.AppendUint32(b, flag)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	b = append(b, body...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(props)))
	return append(b, props...)
}

// batchFields encodes a batch message with the size and lengths given.
func batchFields(size, bodyLen uint32, body []byte, propsLen uint16, props string) []byte {
	b := binary.BigEndian.AppendUint32(nil, size)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, bodyLen)
	b = append(b, body...)
	b = binary.BigEndian.AppendUint16(b, propsLen)
	return append(b, props...)
}

// storedCount is how many messages the broker holds in a topic.
func storedCount(t *testing.T, b *broker.Broker, topic string) int64 {
	t.Helper()
	qs, err := b.Queues("", topic)
	if errors.Is(err, broker.ErrTopicNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, q := range qs {
		n += q.Max - q.Min
	}
	return n
}

func TestIllegalSends(t *testing.T) {
	e := start(t)
	for _, ser := range []byte{remoting.SerializeJSON, remoting.SerializeRocketMQ} {
		c := dialRaw(t, e.brokerAddr)
		for _, tc := range illegalSends() {
			resp := c.call(rawRequest(tc.code, ser, tc.ext, tc.body))
			if resp.Code != 13 || resp.Remark == "" {
				t.Errorf("serialization %d: %s: %s, want code 13 (MESSAGE_ILLEGAL) with a remark", ser, tc.name, describeCmd(resp))
			}
			if n := storedCount(t, e.b, "illegal"); n != 0 {
				t.Fatalf("serialization %d: %s: %d messages stored", ser, tc.name, n)
			}
		}
	}
	// The same connection still sends, and a pull shows only that.
	c := dialRaw(t, e.brokerAddr)
	batch := append(batchItem(0, []byte("b1"), "TAGS\x01a\x02"), batchItem(0, []byte("b2"), "")...)
	for _, req := range []*remoting.Command{
		rawRequest(10, remoting.SerializeJSON, map[string]string{"producerGroup": "GID_bad", "topic": "illegal", "queueId": "0", "properties": "TAGS\x01a\x02"}, []byte("good")),
		rawRequest(320, remoting.SerializeRocketMQ, map[string]string{"a": "GID_bad", "b": "illegal", "e": "0", "m": "true"}, batch),
	} {
		if resp := c.call(req); resp.Code != 0 {
			t.Fatalf("a valid send after the illegal ones: %s", describeCmd(resp))
		}
	}
	resp := c.call(rawRequest(11, remoting.SerializeJSON, map[string]string{"consumerGroup": "GID_check", "topic": "illegal",
		"queueId": "0", "queueOffset": "0", "maxMsgNums": "32", "sysFlag": "0"}, nil))
	if resp.Code != 0 || resp.ExtFields["nextBeginOffset"] != "3" {
		t.Fatalf("pull: %s", describeCmd(resp))
	}
	for _, body := range []string{"good", "b1", "b2"} {
		if !bytes.Contains(resp.Body, []byte(body)) {
			t.Errorf("the pull misses %q", body)
		}
	}
}

func TestStrictBrokerUnknownTopic(t *testing.T) {
	e := start(t, func(bc *broker.Config, _ *remoting.Config) { bc.Strict = true })
	if err := e.b.CreateGroup("", "GID_pull"); err != nil {
		t.Fatal(err)
	}
	pull := func(sysFlag, topic, group string) map[string]string {
		return map[string]string{"consumerGroup": group, "topic": topic, "queueId": "0", "queueOffset": "0",
			"maxMsgNums": "32", "sysFlag": sysFlag, "commitOffset": "0", "suspendTimeoutMillis": "1000",
			"subscription": "*", "subVersion": "0", "expressionType": "TAG"}
	}
	for _, ser := range []byte{remoting.SerializeJSON, remoting.SerializeRocketMQ} {
		c := dialRaw(t, e.brokerAddr)
		for _, sysFlag := range []string{"0", "2", "3"} { // plain, suspended, committing
			if resp := c.call(rawRequest(11, ser, pull(sysFlag, "nope", "GID_pull"), nil)); resp.Code != 17 {
				t.Errorf("serialization %d: pull (sysFlag %s) of an unknown topic: %s, want code 17 (TOPIC_NOT_EXIST)", ser, sysFlag, describeCmd(resp))
			}
		}
		// As an Apache broker, the group is checked first.
		if resp := c.call(rawRequest(11, ser, pull("0", "nope", "GID_unknown"), nil)); resp.Code != 26 {
			t.Errorf("serialization %d: pull of an unknown group: %s, want code 26 (SUBSCRIPTION_GROUP_NOT_EXIST)", ser, describeCmd(resp))
		}
		if resp := c.call(rawRequest(105, ser, map[string]string{"topic": "nope"}, nil)); resp.Code != 17 {
			t.Errorf("serialization %d: route of an unknown topic: %s, want code 17", ser, describeCmd(resp))
		}
		send := map[string]string{"producerGroup": "GID_p", "topic": "nope", "queueId": "0", "properties": ""}
		if resp := c.call(rawRequest(10, ser, send, []byte("x"))); resp.Code != 17 {
			t.Errorf("serialization %d: send to an unknown topic: %s, want code 17", ser, describeCmd(resp))
		}
	}
	if n := storedCount(t, e.b, "nope"); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	if err := e.b.CreateTopic("", "nope"); err != nil {
		t.Fatal(err)
	}
	if resp := dialRaw(t, e.brokerAddr).call(rawRequest(11, remoting.SerializeJSON, pull("0", "nope", "GID_pull"), nil)); resp.Code != 19 {
		t.Fatalf("pull of the created, empty topic: %s, want code 19 (PULL_NOT_FOUND)", describeCmd(resp))
	}
}

// budgetWaiters counts the goroutines waiting in the server's in-flight
// budget for a frame's bytes, from a dump of every goroutine into *buf.
func budgetWaiters(buf *[]byte) int {
	n := runtime.Stack(*buf, true)
	for n == len(*buf) {
		*buf = make([]byte, 2*len(*buf))
		n = runtime.Stack(*buf, true)
	}
	dump := (*buf)[:n]
	waiting := 0
	for len(dump) > 0 {
		g := dump
		if i := bytes.Index(dump, []byte("\n\n")); i >= 0 {
			g, dump = dump[:i], dump[i+2:]
		} else {
			dump = nil
		}
		if bytes.Contains(g, []byte("sync.(*Cond).Wait")) && bytes.Contains(g, []byte("remoting.(*budget).acquire")) {
			waiting++
		}
	}
	return waiting
}

// TestStalledFramesWaitForBudget opens connections that send the length
// of a MaxFrame frame and nothing more. With MaxInFlight smaller than a
// frame, the server reads one of them and the others, and then a small
// request, wait for the budget without allocating their frames; once the
// stalled connections close, the request is served.
func TestStalledFramesWaitForBudget(t *testing.T) {
	const stalled = 32
	e := start(t, func(_ *broker.Config, rc *remoting.Config) { rc.MaxInFlight = 64 << 10 })
	serves(t, e.brokerAddr)
	buf := make([]byte, 1<<20)
	if n := budgetWaiters(&buf); n != 0 {
		t.Fatalf("%d goroutines wait for a budget before the test", n)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// grown checks that no more than one frame has been allocated since,
	// while the stalled connections are open.
	bounded := true
	grown := func(what string) {
		t.Helper()
		var now runtime.MemStats
		runtime.ReadMemStats(&now)
		if n := now.TotalAlloc - before.TotalAlloc; n > 2*remoting.MaxFrame {
			t.Fatalf("%d MiB allocated for %d stalled frames of 16 MiB (%s)", n>>20, stalled, what)
		}
	}
	// await polls the goroutines until want of them wait for the
	// budget; with all of the server's requests stalled, nothing
	// releases the budget, so the count, once reached, stays.
	await := func(want int, what string) {
		t.Helper()
		testwait.Until(t, ioTimeout, fmt.Sprintf("%d goroutines waiting for the in-flight budget (%s)", want, what), func() bool {
			if budgetWaiters(&buf) == want {
				return true
			}
			if bounded {
				grown(what)
			}
			return false
		})
	}

	conns := make([]*rawConn, stalled)
	for i := range conns {
		conns[i] = dialRaw(t, e.brokerAddr)
		conns[i].write(lengthPrefix(remoting.MaxFrame))
	}
	await(stalled-1, "all stalled frames but the one being read")
	c := dialRaw(t, e.brokerAddr)
	c.send(rawRequest(reqTopicList, remoting.SerializeJSON, nil, nil))
	await(stalled, "and the small request")
	grown("once all wait")

	for _, s := range conns {
		s.nc.Close()
	}
	if resp := c.read(); resp.Code != 0 {
		t.Fatalf("the small request, once the stalled frames are gone: %s", describeCmd(resp))
	}
	// Each stalled frame now gets the budget in turn, allocates, reads
	// its end and gives the budget back.
	bounded = false
	await(0, "once every frame is done")
	serves(t, e.brokerAddr)
}
