package remoting_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// fuzzFrames are valid frames, length prefix included, to seed the
// frame fuzzers: every command of frameCommands in both serializations
// and the frames of rocketmq-client-go.
func fuzzFrames(f *testing.F) [][]byte {
	var frames [][]byte
	for _, ser := range []byte{remoting.SerializeJSON, remoting.SerializeRocketMQ} {
		for i := range frameCommands {
			c := frameCommands[i]
			if len(c.Body) > 1024 {
				c.Body = c.Body[:1024]
			}
			c.Serialize = ser
			frame, err := remoting.AppendFrame(nil, &c)
			if err != nil {
				f.Fatal(err)
			}
			frames = append(frames, frame)
		}
	}
	for _, tc := range goClientFrames() {
		frames = append(frames, tc.frame)
	}
	return frames
}

// FuzzDecodeFrame decodes arbitrary frames: DecodeFrame never panics, its
// errors wrap ErrFrame, and a command it decodes encodes again and
// decodes to the same command.
func FuzzDecodeFrame(f *testing.F) {
	for _, frame := range fuzzFrames(f) {
		f.Add(frame[4:])
	}
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Add([]byte{0, 0, 0, 4, 'n', 'u', 'l', 'l'})
	f.Add(frameOf(0, []byte(`{"extFields":{}}`), nil)[4:])
	f.Add(frameOf(0, []byte("{\"code\":1,\"remark\":\"\\ud800\xff\",\"extFields\":{\"\xff\":\"\\u0000\",\"k\":null}}"), []byte("b"))[4:])
	f.Add(frameOf(1, binaryHeader(1, 99, 1, 1, 1, "\xff", [][2]string{{"k", "1"}, {"k", "2"}}), nil)[4:])
	f.Fuzz(func(t *testing.T, frame []byte) {
		c, err := remoting.DecodeFrame(frame)
		if err != nil {
			if c != nil {
				t.Fatalf("DecodeFrame returned a command with error %v", err)
			}
			if !errors.Is(err, remoting.ErrFrame) {
				t.Fatalf("DecodeFrame error %v does not wrap ErrFrame", err)
			}
			return
		}
		if c.Serialize != frame[0] {
			t.Fatalf("serialization %d read from a frame of type %d", c.Serialize, frame[0])
		}
		hlen := int(binary.BigEndian.Uint32(frame) & 0xFFFFFF)
		if !bytes.Equal(c.Body, frame[4+hlen:]) {
			t.Fatalf("body %q, want %q", c.Body, frame[4+hlen:])
		}
		again, err := remoting.AppendFrame(nil, c)
		if err != nil {
			t.Fatalf("a decoded command does not encode: %s: %v", describeCmd(c), err)
		}
		if n := binary.BigEndian.Uint32(again); int(n) != len(again)-4 {
			t.Fatalf("length prefix %d for a frame of %d bytes", n, len(again)-4)
		}
		c2, err := remoting.DecodeFrame(again[4:])
		if err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", describeCmd(c), err)
		}
		if !sameCommand(c, c2) {
			t.Fatalf("re-encoded command differs:\n got %s\nwant %s", describeCmd(c2), describeCmd(c))
		}
	})
}

// FuzzReadCommand reads arbitrary streams with a small limit: a length
// under 4 or over the limit is an error wrapping ErrFrame before anything
// else is read, reserve is called once with the length of every other
// frame before its bytes are read, and its error is returned as is.
func FuzzReadCommand(f *testing.F) {
	for _, frame := range fuzzFrames(f) {
		f.Add(frame, uint16(len(frame)), false)
		f.Add(frame, uint16(len(frame)-5), false)
		f.Add(frame, uint16(len(frame)), true)
		f.Add(frame[:len(frame)-1], uint16(len(frame)), false)
	}
	f.Add([]byte{}, uint16(64), false)
	f.Add([]byte{0, 0}, uint16(64), false)
	f.Add([]byte{0, 0, 0, 3, 0, 0, 0}, uint16(64), false)
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF}, uint16(64), false)
	f.Add([]byte{0, 0x10, 0, 0}, uint16(64), false)
	errRefused := errors.New("refused")
	f.Fuzz(func(t *testing.T, stream []byte, limit16 uint16, refuse bool) {
		limit := int(limit16 % 512) // the reserve must come before the frame is read
		src := bytes.NewReader(stream)
		r := bufio.NewReaderSize(src, 16)
		calls, reserved := 0, 0
		c, err := remoting.ReadCommand(r, limit, func(n int) error {
			calls++
			reserved = n
			if refuse {
				return errRefused
			}
			return nil
		})
		left := src.Len() + r.Buffered()
		if len(stream) < 4 {
			want := io.ErrUnexpectedEOF
			if len(stream) == 0 {
				want = io.EOF
			}
			if err != want || calls != 0 {
				t.Fatalf("a stream of %d bytes: %v, %d reserves", len(stream), err, calls)
			}
			return
		}
		n := int(binary.BigEndian.Uint32(stream))
		if n < 4 || n > limit {
			if !errors.Is(err, remoting.ErrFrame) || c != nil {
				t.Fatalf("length %d with limit %d: %v, %v; want an error wrapping ErrFrame", n, limit, c, err)
			}
			if calls != 0 {
				t.Fatalf("length %d with limit %d: reserve called", n, limit)
			}
			if left != len(stream)-4 {
				t.Fatalf("length %d with limit %d: %d bytes read after the length", n, limit, len(stream)-4-left)
			}
			return
		}
		if calls != 1 || reserved != n {
			t.Fatalf("length %d: %d reserves, of %d", n, calls, reserved)
		}
		if refuse {
			if err != errRefused || c != nil {
				t.Fatalf("refused reserve: %v, %v", c, err)
			}
			if left != len(stream)-4 {
				t.Fatalf("refused reserve: %d bytes of the frame read", len(stream)-4-left)
			}
			return
		}
		if len(stream)-4 < n {
			if err != io.ErrUnexpectedEOF {
				t.Fatalf("a frame of %d bytes cut at %d: %v", n, len(stream)-4, err)
			}
			return
		}
		if left != len(stream)-4-n {
			t.Fatalf("a frame of %d bytes: %d bytes read", n, len(stream)-left)
		}
		want, werr := remoting.DecodeFrame(stream[4 : 4+n])
		if (err == nil) != (werr == nil) || err != nil && !errors.Is(err, remoting.ErrFrame) {
			t.Fatalf("ReadCommand: %v; DecodeFrame: %v", err, werr)
		}
		if err == nil && !sameCommand(c, want) {
			t.Fatalf("ReadCommand read %s, DecodeFrame %s", describeCmd(c), describeCmd(want))
		}
	})
}

// fuzzFields parses "key=value" lines into extFields.
func fuzzFields(s string) map[string]string {
	ext := map[string]string{}
	for line := range strings.SplitSeq(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			ext[k] = v
		}
	}
	return ext
}

// answerCodes are the response codes the server gives.
var answerCodes = map[int16]bool{0: true, 1: true, 3: true, 13: true, 14: true, 16: true, 17: true,
	19: true, 20: true, 21: true, 22: true, 23: true, 26: true}

// FuzzServe sends requests of any code, fields and body to a server, in
// both serializations: each is answered on the same connection, with its
// opaque and serialization, a known response code, and a remark when it
// is refused.
func FuzzServe(f *testing.F) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		f.Fatal(err)
	}
	srv, err := remoting.New(remoting.Config{Broker: b})
	if err != nil {
		f.Fatal(err)
	}
	_, addr, err := srv.Start("", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		srv.Close()
		b.Close()
	})
	batch := append(batchItem(0, []byte("b1"), "TAGS\x01a\x02"), batchItem(0, []byte("b2"), "KEYS\x01k\x02")...)
	hb := `{"clientID":"c1","producerDataSet":[{"groupName":"GID_p"}],"consumerDataSet":[{"groupName":"GID_c","messageModel":"Clustering","subscriptionDataSet":[{"topic":"t","subString":"*"}]}]}`
	lock := `{"consumerGroup":"GID_c","clientId":"c1","mqSet":[{"topic":"t","brokerName":"rocketfn-broker","queueId":0}]}`
	for _, seed := range []struct {
		code int16
		ext  string
		body string
	}{
		{10, "producerGroup=GID_p\ntopic=t\nqueueId=0\nsysFlag=0\nproperties=TAGS\x01a\x02KEYS\x01k\x02", "hello"},
		{10, "producerGroup=GID_p\ntopic=t\nqueueId=-1\nproperties=DELAY\x013\x02", "later"},
		{10, "producerGroup=GID_p\ntopic=t\nproperties=TRAN_MSG\x01true\x02PGROUP\x01GID_p\x02", "half"},
		{310, "a=GID_p\nb=ns%t\ne=1\nf=0\ni=TAGS\x01b\x02\nj=0", "v2"},
		{310, "a=GID_p\nb=%RETRY%GID_c\ne=0\ni=\nj=20\nl=16", "to the DLQ"},
		{320, "a=GID_p\nb=t\ne=2\nm=true", string(batch)},
		{11, "consumerGroup=GID_c\ntopic=t\nqueueId=0\nqueueOffset=0\nmaxMsgNums=32\nsysFlag=1\ncommitOffset=0\nsubscription=a||b\nexpressionType=TAG", ""},
		{11, "consumerGroup=GID_c\ntopic=t\nqueueId=0\nqueueOffset=99\nmaxMsgNums=1\nsysFlag=0\nexpressionType=SQL92", ""},
		{14, "consumerGroup=GID_c\ntopic=t\nqueueId=0", ""},
		{15, "consumerGroup=GID_c\ntopic=t\nqueueId=0\ncommitOffset=1", ""},
		{29, "topic=t\nqueueId=0\ntimestamp=0", ""},
		{30, "topic=t\nqueueId=7", ""},
		{31, "topic=t\nqueueId=255", ""},
		{34, "", hb},
		{35, "clientID=c1\nconsumerGroup=GID_c\nproducerGroup=GID_p", ""},
		{36, "group=GID_c\noffset=1\ndelayLevel=0\noriginMsgId=x\nmaxReconsumeTimes=1", ""},
		{37, "producerGroup=GID_p\ncommitOrRollback=8\ntransactionId=h@t\nmsgId=x", ""},
		{38, "consumerGroup=GID_c", ""},
		{41, "", lock},
		{42, "", lock},
		{105, "topic=t", ""},
		{106, "", ""},
		{206, "", ""},
		{17, "topic=t", ""},
		{10, "AccessKey=ak\nSignature=sig\ntopic=t", "signed"},
	} {
		f.Add(seed.code, false, seed.ext, []byte(seed.body))
		f.Add(seed.code, true, seed.ext, []byte(seed.body))
	}
	var nc net.Conn
	var r *bufio.Reader
	var opaque int32
	f.Fuzz(func(t *testing.T, code int16, rocketmq bool, fields string, body []byte) {
		if nc == nil {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			nc, r = c, bufio.NewReader(c)
		}
		ext := fuzzFields(fields)
		if code == 11 {
			ext["suspendTimeoutMillis"] = "0" // no long polls
		}
		opaque++
		req := &remoting.Command{Code: code, Language: "GO", Version: 317, Opaque: opaque, ExtFields: ext, Body: body}
		if rocketmq {
			req.Serialize = remoting.SerializeRocketMQ
		}
		frame, err := remoting.AppendFrame(nil, req)
		if err != nil || len(frame)-4 > remoting.MaxFrame {
			return
		}
		nc.SetDeadline(time.Now().Add(ioTimeout))
		if _, err := nc.Write(frame); err != nil {
			nc = nil
			t.Fatalf("request %s: %v", describeCmd(req), err)
		}
		for {
			resp, err := remoting.ReadCommand(r, remoting.MaxFrame, nil)
			if err != nil {
				nc = nil
				t.Fatalf("request %s: %v", describeCmd(req), err)
			}
			if !resp.IsResponse() {
				continue // a notification or a transaction check
			}
			if resp.Opaque != opaque || resp.Serialize != req.Serialize {
				t.Fatalf("request %s answered by %s", describeCmd(req), describeCmd(resp))
			}
			if !answerCodes[resp.Code] || resp.Code != 0 && resp.Remark == "" {
				t.Fatalf("request %s answered by %s", describeCmd(req), describeCmd(resp))
			}
			return
		}
	})
}
