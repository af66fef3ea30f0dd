package remoting_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// TestPullResponseFitsMaxFrame: a pull of large messages stops at 256 KiB
// of bodies (one message at least), so its response is a frame clients
// can read, and the next pull goes on from there.
func TestPullResponseFitsMaxFrame(t *testing.T) {
	e := start(t)
	c := dialRaw(t, e.brokerAddr)
	body := bytes.Repeat([]byte("x"), 4<<20-1024)
	for range 5 {
		if resp := c.call(rawRequest(10, remoting.SerializeJSON, map[string]string{"producerGroup": "GID_p", "topic": "big", "queueId": "0"}, body)); resp.Code != 0 {
			t.Fatalf("send: %s", describeCmd(resp))
		}
	}
	for off := range 5 {
		resp := c.call(rawRequest(11, remoting.SerializeJSON, map[string]string{"consumerGroup": "GID_c", "topic": "big",
			"queueId": "0", "queueOffset": strconv.Itoa(off), "maxMsgNums": "32", "sysFlag": "0"}, nil))
		if resp.Code != 0 {
			t.Fatalf("pull at %d: %s", off, describeCmd(resp))
		}
		msgs, err := remoting.DecodeMessages(resp.Body, 8<<20)
		if err != nil || len(msgs) != 1 || msgs[0].Message.QueueOffset != int64(off) {
			t.Fatalf("pull at %d: %d messages, %v", off, len(msgs), err)
		}
		if next := resp.ExtFields["nextBeginOffset"]; next != strconv.Itoa(off+1) {
			t.Fatalf("pull at %d: next %s", off, next)
		}
	}
}

func TestLongSuspendTimeout(t *testing.T) {
	e := start(t)
	c := dialRaw(t, e.brokerAddr)
	c.call(rawRequest(10, remoting.SerializeJSON, map[string]string{"producerGroup": "GID_p", "topic": "t", "queueId": "0"}, []byte("x")))
	resp := c.call(rawRequest(11, remoting.SerializeJSON, map[string]string{"consumerGroup": "GID_c", "topic": "t",
		"queueId": "0", "queueOffset": "0", "maxMsgNums": "32", "sysFlag": "2", "suspendTimeoutMillis": "10000000000000"}, nil))
	if resp.Code != 0 {
		t.Fatalf("pull with a long suspend: %s", describeCmd(resp))
	}
}

// TestStalledFramesDoNotStarveOthers: clients that announce 16 MiB
// frames and stall hold only the part that arrived, not the default
// budget's 256 MiB.
func TestStalledFramesDoNotStarveOthers(t *testing.T) {
	e := start(t) // default MaxInFlight
	for range 64 {
		dialRaw(t, e.brokerAddr).write(lengthPrefix(remoting.MaxFrame))
	}
	for range 3 {
		c := dialRaw(t, e.brokerAddr)
		c.send(rawRequest(reqTopicList, remoting.SerializeJSON, nil, nil))
		c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := remoting.ReadCommand(c.r, remoting.MaxFrame, nil); err != nil {
			t.Fatalf("a client's request while 64 others stall: %v", err)
		}
	}
}

func TestAppendFrameLongKey(t *testing.T) {
	c := &remoting.Command{Code: 1, Language: "JAVA", ExtFields: map[string]string{strings.Repeat("k", 65536): "v"}, Serialize: remoting.SerializeRocketMQ}
	if _, err := remoting.AppendFrame(nil, c); err == nil {
		t.Fatal("a 65536-byte key was encoded")
	}
}

func TestBadQueueCreatesNoTopic(t *testing.T) {
	e := start(t)
	c := dialRaw(t, e.brokerAddr)
	if resp := c.call(rawRequest(10, remoting.SerializeJSON, map[string]string{"producerGroup": "GID_p", "topic": "ghost", "queueId": "8"}, []byte("x"))); resp.Code != 13 {
		t.Fatalf("send: %s", describeCmd(resp))
	}
	if list := c.call(rawRequest(206, remoting.SerializeJSON, nil, nil)); bytes.Contains(list.Body, []byte("ghost")) {
		t.Fatalf("topic list after a refused send: %s", list.Body)
	}
}

// TestUnspecifiedListenAdvertisesLoopback: a broker on 0.0.0.0 gives
// clients an address they can dial.
func TestUnspecifiedListenAdvertisesLoopback(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	srv, err := remoting.New(remoting.Config{Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, addr, err := srv.Start("127.0.0.1:0", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(addr, "127.0.0.1:") || srv.BrokerAddr() != addr {
		t.Fatalf("advertised %s (%s)", srv.BrokerAddr(), addr)
	}
}
