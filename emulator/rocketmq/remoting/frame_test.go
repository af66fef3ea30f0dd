package remoting_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// sameCommand reports whether two commands are equal, an empty ExtFields
// or Body being the same as none.
func sameCommand(a, b *remoting.Command) bool {
	return a.Code == b.Code && a.Language == b.Language && a.Version == b.Version &&
		a.Opaque == b.Opaque && a.Flag == b.Flag && a.Remark == b.Remark &&
		maps.Equal(a.ExtFields, b.ExtFields) && bytes.Equal(a.Body, b.Body) && a.Serialize == b.Serialize
}

func describeCmd(c *remoting.Command) string {
	return fmt.Sprintf("{code %d lang %q version %d opaque %d flag %d remark %q ext %q body %q serialize %d}",
		c.Code, c.Language, c.Version, c.Opaque, c.Flag, c.Remark, c.ExtFields, c.Body, c.Serialize)
}

func readFrames(t *testing.T, stream []byte) []*remoting.Command {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(stream))
	var out []*remoting.Command
	for {
		c, err := remoting.ReadCommand(r, remoting.MaxFrame, nil)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d commands: %v", len(out), err)
		}
		out = append(out, c)
	}
}

// frameCommands are commands with every field in use, and some edge
// values: empty, negative, non-ASCII, binary.
var frameCommands = []remoting.Command{
	{Code: 105, Language: "GO", Version: 317, Opaque: 1, ExtFields: map[string]string{"topic": "orders"}},
	{Code: 0, Language: "JAVA", Version: 395, Opaque: 1 << 30, Flag: 1, Remark: "ok",
		ExtFields: map[string]string{"msgId": "7F000001", "queueId": "3", "queueOffset": "12"}},
	{Code: 310, Language: "GO", Version: 317, Opaque: -7, Flag: 2, Remark: "",
		ExtFields: map[string]string{"a": "GID_p", "b": "ns%orders", "i": "TAGS\x01created\x02KEYS\x01k1 k2\x02"},
		Body:      []byte("order 1")},
	{Code: -1, Language: "CPP", Version: -2, Opaque: -2147483648, Flag: -1, Remark: "ümlaut «quoted» \"json\" <html>&"},
	{Code: 32767, Language: "JAVA", Version: 32767, Opaque: 2147483647, Flag: 3,
		ExtFields: map[string]string{"": "empty key", "empty value": "", "nul\x00key": "tab\tnewline\n"},
		Body:      []byte{0, 1, 2, 0xFF, 0xFE, '{', '}'}},
	{Code: 11, Language: "PYTHON", Body: bytes.Repeat([]byte("x"), 70000)},
	{Code: 34, Language: "RUST", Version: 1, Remark: strings.Repeat("r", 1000), ExtFields: map[string]string{}},
}

func TestFrameRoundTrip(t *testing.T) {
	for _, ser := range []byte{remoting.SerializeJSON, remoting.SerializeRocketMQ} {
		var stream []byte
		var want []*remoting.Command
		for i := range frameCommands {
			c := frameCommands[i]
			c.Serialize = ser
			frame, err := remoting.AppendFrame(nil, &c)
			if err != nil {
				t.Fatalf("serialization %d: %s: %v", ser, describeCmd(&c), err)
			}
			if n := binary.BigEndian.Uint32(frame); int(n) != len(frame)-4 {
				t.Fatalf("serialization %d: length prefix %d for a frame of %d bytes", ser, n, len(frame)-4)
			}
			mark := binary.BigEndian.Uint32(frame[4:])
			if kind, hlen := byte(mark>>24), int(mark&0xFFFFFF); kind != ser || 8+hlen+len(c.Body) != len(frame) {
				t.Fatalf("serialization %d: header mark %08x for a header of %d bytes", ser, mark, len(frame)-8-len(c.Body))
			}
			got, err := remoting.DecodeFrame(frame[4:])
			if err != nil {
				t.Fatalf("serialization %d: %s: %v", ser, describeCmd(&c), err)
			}
			if !sameCommand(got, &c) {
				t.Errorf("serialization %d:\n got %s\nwant %s", ser, describeCmd(got), describeCmd(&c))
			}
			// AppendFrame appends: a stream of frames reads back in order.
			if stream, err = remoting.AppendFrame(stream, &c); err != nil {
				t.Fatal(err)
			}
			want = append(want, &c)
		}
		got := readFrames(t, stream)
		if len(got) != len(want) {
			t.Fatalf("serialization %d: %d commands read from the stream, want %d", ser, len(got), len(want))
		}
		for i := range got {
			if !sameCommand(got[i], want[i]) {
				t.Errorf("serialization %d: stream command %d:\n got %s\nwant %s", ser, i, describeCmd(got[i]), describeCmd(want[i]))
			}
		}
	}
}

func TestFrameLanguages(t *testing.T) {
	// The binary serialization carries the language as a code: every
	// known name survives, other names read back as OTHER.
	for _, lang := range []string{"JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS"} {
		c := &remoting.Command{Code: 1, Language: lang, Serialize: remoting.SerializeRocketMQ}
		frame, err := remoting.AppendFrame(nil, c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := remoting.DecodeFrame(frame[4:])
		if err != nil || got.Language != lang {
			t.Errorf("language %s reads back as %q, %v", lang, got.Language, err)
		}
	}
	for _, lang := range []string{"", "go", "KOTLIN"} {
		frame, _ := remoting.AppendFrame(nil, &remoting.Command{Language: lang, Serialize: remoting.SerializeRocketMQ})
		if got, err := remoting.DecodeFrame(frame[4:]); err != nil || got.Language != "OTHER" {
			t.Errorf("language %q reads back as %q, %v; want OTHER", lang, got.Language, err)
		}
		// JSON names the language as it is.
		frame, _ = remoting.AppendFrame(nil, &remoting.Command{Language: lang, Serialize: remoting.SerializeJSON})
		if got, err := remoting.DecodeFrame(frame[4:]); err != nil || got.Language != lang {
			t.Errorf("JSON: language %q reads back as %q, %v", lang, got.Language, err)
		}
	}
	// An unknown code is OTHER.
	hdr := binaryHeader(1, 200, 0, 0, 0, "", nil)
	if got, err := remoting.DecodeFrame(frameOf(remoting.SerializeRocketMQ, hdr, nil)[4:]); err != nil || got.Language != "OTHER" {
		t.Errorf("language code 200 reads as %q, %v", got.Language, err)
	}
}

func TestAppendFrameUnknownSerialization(t *testing.T) {
	dst := []byte("kept")
	out, err := remoting.AppendFrame(dst, &remoting.Command{Code: 1, Serialize: 2})
	if err == nil || string(out) != "kept" {
		t.Fatalf("AppendFrame with serialization 2 = %q, %v", out, err)
	}
}

// frameOf frames a header and body as rocketmq-client-go's WriteTo does:
// the frame size (4 + header + body) as an int32, the serialization type
// byte and the header length in 3 bytes (markProtocolType), the header,
// the body.
func frameOf(codec byte, header, body []byte) []byte {
	frame := binary.BigEndian.AppendUint32(nil, uint32(4+len(header)+len(body)))
	n := len(header)
	frame = append(frame, codec, byte(n>>16), byte(n>>8), byte(n))
	frame = append(frame, header...)
	return append(frame, body...)
}

// binaryHeader is a header as rocketmq-client-go's rmqCodec.encodeHeader
// writes it: code int16, language byte, version int16, opaque int32, flag
// int32, remark length int32 and remark, extFields length int32 and for
// each field key length int16, key, value length int32, value (in the
// order given here; the client writes its map's order).
func binaryHeader(code int16, lang byte, version int16, opaque, flag int32, remark string, ext [][2]string) []byte {
	var fields []byte
	for _, kv := range ext {
		fields = binary.BigEndian.AppendUint16(fields, uint16(len(kv[0])))
		fields = append(fields, kv[0]...)
		fields = binary.BigEndian.AppendUint32(fields, uint32(len(kv[1])))
		fields = append(fields, kv[1]...)
	}
	h := binary.BigEndian.AppendUint16(nil, uint16(code))
	h = append(h, lang)
	h = binary.BigEndian.AppendUint16(h, uint16(version))
	h = binary.BigEndian.AppendUint32(h, uint32(opaque))
	h = binary.BigEndian.AppendUint32(h, uint32(flag))
	h = binary.BigEndian.AppendUint32(h, uint32(len(remark)))
	h = append(h, remark...)
	h = binary.BigEndian.AppendUint32(h, uint32(len(fields)))
	return append(h, fields...)
}

// goClientFrames are requests and a response as the rocketmq-client-go of
// go.mod writes them, in its JSON codec (jsoniter's encoding of
// RemotingCommand: fields in declaration order, language always "GO",
// remark and extFields always present, <, > and & escaped) and in its
// ROCKETMQ codec (language code 9, the client's _Go), with the commands
// they decode to. The client sends oneway requests without the oneway
// flag, and sets flag 1 on its responses to the broker's requests.
func goClientFrames() []struct {
	name  string
	frame []byte
	want  remoting.Command
} {
	v2 := [][2]string{{"a", "GID_producer"}, {"b", "orders"}, {"c", "TBW102"}, {"d", "4"}, {"e", "2"}, {"f", "0"},
		{"g", "1717000000000"}, {"h", "0"}, {"i", "TAGS\x01created\x02KEYS\x01k1\x02UNIQ_KEY\x017F0000010001\x02"},
		{"j", "0"}, {"k", "false"}, {"l", "0"}, {"m", "false"}, {"n", "rocketfn-broker"}}
	v2JSON := `{"a":"GID_producer","b":"orders","c":"TBW102","d":"4","e":"2","f":"0","g":"1717000000000","h":"0",` +
		`"i":"TAGS\u0001created\u0002KEYS\u0001k1\u0002UNIQ_KEY\u00017F0000010001\u0002","j":"0","k":"false","l":"0","m":"false","n":"rocketfn-broker"}`
	v2Map := map[string]string{}
	for _, kv := range v2 {
		v2Map[kv[0]] = kv[1]
	}
	heartbeat := []byte(`{"clientID":"127.0.0.1@1234","producerDataSet":[{"groupName":"GID_producer"}],"consumerDataSet":[]}`)
	return []struct {
		name  string
		frame []byte
		want  remoting.Command
	}{
		{"JSON send V2", frameOf(0, []byte(`{"code":310,"language":"GO","version":317,"opaque":5,"flag":0,"remark":"","extFields":`+v2JSON+`}`), []byte("order 1")),
			remoting.Command{Code: 310, Language: "GO", Version: 317, Opaque: 5, ExtFields: v2Map, Body: []byte("order 1")}},
		{"JSON heartbeat, no fields", frameOf(0, []byte(`{"code":34,"language":"GO","version":317,"opaque":6,"flag":0,"remark":"","extFields":{}}`), heartbeat),
			remoting.Command{Code: 34, Language: "GO", Version: 317, Opaque: 6, Body: heartbeat}},
		{"JSON route, null fields", frameOf(0, []byte(`{"code":105,"language":"GO","version":317,"opaque":7,"flag":0,"remark":"","extFields":null}`), nil),
			remoting.Command{Code: 105, Language: "GO", Version: 317, Opaque: 7}},
		{"JSON response to a broker's request", frameOf(0, []byte(`{"code":0,"language":"GO","version":317,"opaque":8,"flag":1,"remark":"done \u003cok\u003e","extFields":{"k":"v"}}`), nil),
			remoting.Command{Code: 0, Language: "GO", Version: 317, Opaque: 8, Flag: 1, Remark: "done <ok>", ExtFields: map[string]string{"k": "v"}}},
		{"JSON end transaction", frameOf(0, []byte(`{"code":37,"language":"GO","version":317,"opaque":9,"flag":0,"remark":"","extFields":{"commitOrRollback":"8"}}`), nil),
			remoting.Command{Code: 37, Language: "GO", Version: 317, Opaque: 9, ExtFields: map[string]string{"commitOrRollback": "8"}}},
		{"ROCKETMQ send V2", frameOf(1, binaryHeader(310, 9, 317, 10, 0, "", v2), []byte("order 1")),
			remoting.Command{Code: 310, Language: "GO", Version: 317, Opaque: 10, ExtFields: v2Map, Body: []byte("order 1")}},
		{"ROCKETMQ heartbeat, no fields", frameOf(1, binaryHeader(34, 9, 317, 11, 0, "", nil), heartbeat),
			remoting.Command{Code: 34, Language: "GO", Version: 317, Opaque: 11, Body: heartbeat}},
		{"ROCKETMQ response with remark", frameOf(1, binaryHeader(0, 9, 317, 12, 1, "done", [][2]string{{"k", "v"}, {"", ""}}), []byte{0}),
			remoting.Command{Code: 0, Language: "GO", Version: 317, Opaque: 12, Flag: 1, Remark: "done",
				ExtFields: map[string]string{"k": "v", "": ""}, Body: []byte{0}}},
	}
}

func TestDecodeGoClientFrames(t *testing.T) {
	var stream []byte
	cases := goClientFrames()
	for _, tc := range cases {
		tc.want.Serialize = tc.frame[4]
		got, err := remoting.DecodeFrame(tc.frame[4:])
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !sameCommand(got, &tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, describeCmd(got), describeCmd(&tc.want))
		}
		stream = append(stream, tc.frame...)
	}
	// As a connection reads them, one after another.
	got := readFrames(t, stream)
	if len(got) != len(cases) {
		t.Fatalf("%d commands read from the stream, want %d", len(got), len(cases))
	}
	for i, c := range got {
		if c.Opaque != cases[i].want.Opaque {
			t.Errorf("stream command %d has opaque %d, want %d", i, c.Opaque, cases[i].want.Opaque)
		}
	}
}

// TestGoClientFramesServed sends the client's send frames, in both
// codecs, to a server: they are stored and answered in the request's
// serialization.
func TestGoClientFramesServed(t *testing.T) {
	e := start(t)
	c := dialRaw(t, e.brokerAddr)
	var sent int
	for _, tc := range goClientFrames() {
		if !strings.Contains(tc.name, "send V2") {
			continue
		}
		c.write(tc.frame)
		resp := c.read()
		if resp.Code != 0 || resp.Opaque != tc.want.Opaque || !resp.IsResponse() || resp.Serialize != tc.frame[4] ||
			resp.ExtFields["queueId"] != "2" || resp.ExtFields["queueOffset"] != strconv.Itoa(sent) || resp.ExtFields["msgId"] == "" {
			t.Fatalf("%s: answered %s", tc.name, describeCmd(resp))
		}
		sent++
	}
	res, err := e.b.Pull(t.Context(), broker.PullRequest{Topic: "orders", Queue: 2, Max: 32})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages) != sent || sent != 2 {
		t.Fatalf("%d messages stored of %d sent", len(res.Messages), sent)
	}
	for _, m := range res.Messages {
		if string(m.Body) != "order 1" || m.Tag != "created" || m.Keys != "k1" || m.ID != "7F0000010001" {
			t.Errorf("stored %+v", m)
		}
	}
}

func TestDecodeJavaClientJSON(t *testing.T) {
	// Java clients (fastjson) write the fields sorted and add
	// serializeTypeCurrentRPC.
	h := `{"code":105,"extFields":{"topic":"TBW102"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":399}`
	got, err := remoting.DecodeFrame(frameOf(0, []byte(h), nil)[4:])
	if err != nil {
		t.Fatal(err)
	}
	want := &remoting.Command{Code: 105, Language: "JAVA", Version: 399, Opaque: 3, ExtFields: map[string]string{"topic": "TBW102"}}
	if !sameCommand(got, want) {
		t.Fatalf("got %s\nwant %s", describeCmd(got), describeCmd(want))
	}
}

// goClientCommand is rocketmq-client-go's RemotingCommand, with its
// language as raw JSON (its UnmarshalJSON accepts anything).
type goClientCommand struct {
	Code      int16             `json:"code"`
	Language  json.RawMessage   `json:"language"`
	Version   int16             `json:"version"`
	Opaque    int32             `json:"opaque"`
	Flag      int32             `json:"flag"`
	Remark    string            `json:"remark"`
	ExtFields map[string]string `json:"extFields"`
}

// goClientDecode reads a frame (without its length) as
// rocketmq-client-go's decode does.
func goClientDecode(data []byte) (goClientCommand, []byte, error) {
	var c goClientCommand
	mark := binary.BigEndian.Uint32(data)
	hlen := int(mark & 0xFFFFFF)
	if 4+hlen > len(data) {
		return c, nil, errors.New("short header")
	}
	header, body := data[4:4+hlen], data[4+hlen:]
	switch data[0] {
	case 0:
		return c, body, json.Unmarshal(header, &c)
	case 1:
		buf := bytes.NewReader(header)
		var lang byte
		var remarkLen, extLen int32
		for _, v := range []any{&c.Code, &lang, &c.Version, &c.Opaque, &c.Flag, &remarkLen} {
			if err := binary.Read(buf, binary.BigEndian, v); err != nil {
				return c, nil, err
			}
		}
		remark := make([]byte, remarkLen)
		if _, err := io.ReadFull(buf, remark); err != nil {
			return c, nil, err
		}
		c.Remark = string(remark)
		if err := binary.Read(buf, binary.BigEndian, &extLen); err != nil {
			return c, nil, err
		}
		ext := make([]byte, extLen)
		if _, err := io.ReadFull(buf, ext); err != nil {
			return c, nil, err
		}
		c.ExtFields = map[string]string{}
		eb := bytes.NewReader(ext)
		for eb.Len() > 0 {
			var kl int16
			var vl int32
			if err := binary.Read(eb, binary.BigEndian, &kl); err != nil {
				return c, nil, err
			}
			k := make([]byte, kl)
			if _, err := io.ReadFull(eb, k); err != nil {
				return c, nil, err
			}
			if err := binary.Read(eb, binary.BigEndian, &vl); err != nil {
				return c, nil, err
			}
			v := make([]byte, vl)
			if _, err := io.ReadFull(eb, v); err != nil {
				return c, nil, err
			}
			c.ExtFields[string(k)] = string(v)
		}
		return c, body, nil
	}
	return c, nil, fmt.Errorf("unknown codec type %d", data[0])
}

// TestGoClientDecodesFrames checks that responses as the server writes
// them read as rocketmq-client-go reads them.
func TestGoClientDecodesFrames(t *testing.T) {
	for _, ser := range []byte{remoting.SerializeJSON, remoting.SerializeRocketMQ} {
		for i := range frameCommands {
			c := frameCommands[i]
			c.Serialize = ser
			frame, err := remoting.AppendFrame(nil, &c)
			if err != nil {
				t.Fatal(err)
			}
			got, body, err := goClientDecode(frame[4:])
			if err != nil {
				t.Errorf("serialization %d: %s: the client's decoding fails: %v", ser, describeCmd(&c), err)
				continue
			}
			if got.Code != c.Code || got.Version != c.Version || got.Opaque != c.Opaque || got.Flag != c.Flag ||
				got.Remark != c.Remark || !maps.Equal(got.ExtFields, c.ExtFields) || !bytes.Equal(body, c.Body) {
				t.Errorf("serialization %d: the client reads %+v body %q\nfrom %s", ser, got, body, describeCmd(&c))
			}
		}
	}
}

func TestDecodeFrameErrors(t *testing.T) {
	good := binaryHeader(10, 9, 317, 1, 0, "remark", [][2]string{{"topic", "t"}})
	cases := []struct {
		name  string
		frame []byte // without the length prefix
	}{
		{"empty", nil},
		{"3 bytes", []byte{0, 0, 0}},
		{"header longer than the frame", []byte{0, 0, 0, 5, '{', '}'}},
		{"header length of 2^24-1", []byte{1, 0xFF, 0xFF, 0xFF, 0}},
		{"serialization 2", frameOf(2, []byte(`{}`), nil)[4:]},
		{"serialization 255", frameOf(255, good, nil)[4:]},
		{"empty JSON header", frameOf(0, nil, []byte("body"))[4:]},
		{"truncated JSON", frameOf(0, []byte(`{"code":10,`), nil)[4:]},
		{"JSON array", frameOf(0, []byte(`[1,2]`), nil)[4:]},
		{"JSON string code", frameOf(0, []byte(`{"code":"10"}`), nil)[4:]},
		{"JSON code out of int16", frameOf(0, []byte(`{"code":40000}`), nil)[4:]},
		{"JSON number extField", frameOf(0, []byte(`{"code":10,"extFields":{"queueId":1}}`), nil)[4:]},
		{"JSON trailing bytes", frameOf(0, []byte(`{"code":10} {}`), nil)[4:]},
		{"empty binary header", frameOf(1, nil, []byte("body"))[4:]},
		{"binary header with trailing bytes", frameOf(1, append(good[:len(good):len(good)], 0), nil)[4:]},
		{"binary remark longer than the header", frameOf(1, binaryHeader(10, 9, 317, 1, 0, "", nil)[:17], nil)[4:]},
		{"binary remark length 2^32-1", frameOf(1, append(binaryHeader(10, 9, 317, 1, 0, "", nil)[:13], 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0), nil)[4:]},
		{"binary extFields length past the header", frameOf(1, append(binaryHeader(10, 9, 317, 1, 0, "", nil)[:17], 0, 0, 0, 9, 0), nil)[4:]},
		{"binary extField key cut", frameOf(1, append(binaryHeader(10, 9, 317, 1, 0, "", nil)[:17], 0, 0, 0, 3, 0, 5, 'k'), nil)[4:]},
		{"binary extField value cut", frameOf(1, append(binaryHeader(10, 9, 317, 1, 0, "", nil)[:17], 0, 0, 0, 8, 0, 1, 'k', 0, 0, 0, 9, 'v'), nil)[4:]},
		{"binary extField value length 2^32-1", frameOf(1, append(binaryHeader(10, 9, 317, 1, 0, "", nil)[:17], 0, 0, 0, 7, 0, 1, 'k', 0xFF, 0xFF, 0xFF, 0xFF), nil)[4:]},
	}
	for _, tc := range cases {
		c, err := remoting.DecodeFrame(tc.frame)
		if !errors.Is(err, remoting.ErrFrame) {
			t.Errorf("%s: DecodeFrame(% x) = %v, %v; want an error wrapping ErrFrame", tc.name, tc.frame, c, err)
		}
	}
	// The same frames through ReadCommand.
	for _, tc := range cases {
		stream := binary.BigEndian.AppendUint32(nil, uint32(len(tc.frame)))
		stream = append(stream, tc.frame...)
		_, err := remoting.ReadCommand(bufio.NewReader(bytes.NewReader(stream)), remoting.MaxFrame, nil)
		if !errors.Is(err, remoting.ErrFrame) {
			t.Errorf("%s: ReadCommand = %v; want an error wrapping ErrFrame", tc.name, err)
		}
	}
}

func TestReadCommandLimits(t *testing.T) {
	frame, _ := remoting.AppendFrame(nil, &remoting.Command{Code: 105, ExtFields: map[string]string{"topic": "t"}, Body: []byte("body")})
	n := len(frame) - 4
	prefix := func(v uint32, rest []byte) []byte { return append(binary.BigEndian.AppendUint32(nil, v), rest...) }
	errBusy := errors.New("busy")
	cases := []struct {
		name     string
		stream   []byte
		limit    int
		reserve  error
		reserved int   // the length reserve is called with; 0: not called
		err      error // nil: the command decodes
		left     int   // bytes of stream left unread
	}{
		{"at the limit", frame, n, nil, n, nil, 0},
		{"over the limit", frame, n - 1, nil, 0, remoting.ErrFrame, n},
		{"length 0", prefix(0, frame[4:]), remoting.MaxFrame, nil, 0, remoting.ErrFrame, n},
		{"length 3", prefix(3, frame[4:]), remoting.MaxFrame, nil, 0, remoting.ErrFrame, n},
		{"length MaxFrame+1", prefix(remoting.MaxFrame+1, nil), remoting.MaxFrame, nil, 0, remoting.ErrFrame, 0},
		{"length 2^32-1", prefix(0xFFFFFFFF, frame[4:]), remoting.MaxFrame, nil, 0, remoting.ErrFrame, n},
		{"reserve refuses", frame, remoting.MaxFrame, errBusy, n, errBusy, n},
		{"body cut", frame[:len(frame)-1], remoting.MaxFrame, nil, n, io.ErrUnexpectedEOF, 0},
		{"prefix only", frame[:4], remoting.MaxFrame, nil, n, io.ErrUnexpectedEOF, 0},
		{"prefix cut", frame[:3], remoting.MaxFrame, nil, 0, io.ErrUnexpectedEOF, 0},
		{"nothing", nil, remoting.MaxFrame, nil, 0, io.EOF, 0},
		{"frame then more", append(frame[:len(frame):len(frame)], 0, 0), remoting.MaxFrame, nil, n, nil, 2},
	}
	for _, tc := range cases {
		src := bytes.NewReader(tc.stream)
		r := bufio.NewReader(src)
		reserved := 0
		c, err := remoting.ReadCommand(r, tc.limit, func(n int) error {
			if reserved != 0 {
				t.Errorf("%s: reserve called twice", tc.name)
			}
			reserved = n
			return tc.reserve
		})
		switch {
		case tc.err == nil && (err != nil || c.Code != 105 || string(c.Body) != "body"):
			t.Errorf("%s: ReadCommand = %v, %v", tc.name, c, err)
		case tc.err != nil && !errors.Is(err, tc.err):
			t.Errorf("%s: ReadCommand error %v, want %v", tc.name, err, tc.err)
		}
		if tc.err == errBusy && err != errBusy {
			t.Errorf("%s: reserve's error is returned as %v", tc.name, err)
		}
		if reserved != tc.reserved {
			t.Errorf("%s: reserve(%d), want reserve(%d)", tc.name, reserved, tc.reserved)
		}
		if left := src.Len() + r.Buffered(); left != tc.left {
			t.Errorf("%s: %d bytes left unread, want %d", tc.name, left, tc.left)
		}
	}
}

// ExampleAppendFrame writes a request as a Go client would, in the JSON
// serialization, and reads it back.
func ExampleAppendFrame() {
	req := &remoting.Command{Code: 105, Language: "GO", Version: 317, Opaque: 1,
		ExtFields: map[string]string{"topic": "orders"}, Serialize: remoting.SerializeJSON}
	frame, err := remoting.AppendFrame(nil, req)
	if err != nil {
		log.Fatal(err)
	}
	mark := binary.BigEndian.Uint32(frame[4:])
	fmt.Printf("length %d, serialization %d, header of %d bytes\n", binary.BigEndian.Uint32(frame), mark>>24, mark&0xFFFFFF)
	fmt.Printf("%s\n", frame[8:])

	c, err := remoting.DecodeFrame(frame[4:])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Code, c.Opaque, c.ExtFields["topic"], c.IsResponse())
	// Output:
	// length 97, serialization 0, header of 93 bytes
	// {"code":105,"language":"GO","version":317,"opaque":1,"flag":0,"extFields":{"topic":"orders"}}
	// 105 1 orders false
}

// ExampleReadCommand reads the commands of a stream, here a response in
// the binary serialization, reserving each frame's length first.
func ExampleReadCommand() {
	resp := &remoting.Command{Code: 0, Language: "JAVA", Version: 317, Opaque: 1, Flag: 1, Remark: "ok",
		ExtFields: map[string]string{"queueId": "2"}, Body: []byte("data"), Serialize: remoting.SerializeRocketMQ}
	stream, err := remoting.AppendFrame(nil, resp)
	if err != nil {
		log.Fatal(err)
	}
	r := bufio.NewReader(bytes.NewReader(stream))
	for {
		c, err := remoting.ReadCommand(r, remoting.MaxFrame, func(n int) error {
			fmt.Println("reserve", n)
			return nil
		})
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("code %d opaque %d response %v remark %q queueId %s body %q\n",
			c.Code, c.Opaque, c.IsResponse(), c.Remark, c.ExtFields["queueId"], c.Body)
	}
	// Output:
	// reserve 45
	// code 0 opaque 1 response true remark "ok" queueId 2 body "data"
}
