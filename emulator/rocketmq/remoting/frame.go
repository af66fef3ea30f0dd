package remoting

import (
	"bufio"
	"encoding/binary"

	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"io"
	"slices"
)

// Header serializations: the type byte in front of the header length.
const (
	SerializeJSON     = 0 // RemotingSerializable: a JSON object
	SerializeRocketMQ = 1 // RocketMQSerializable: the binary layout
)

// Flag bits of a command.
const (
	flagResponse = 1 << 0 // the command is a response
	flagOneway   = 1 << 1 // the request wants no response
)

// MaxFrame bounds a frame's length (the 4-byte prefix excluded), as Apache
// RocketMQ's com.rocketmq.remoting.frameMaxLength does by default.
const MaxFrame = 16 << 20

// ErrFrame reports a frame that cannot be read; the connection is closed
// after it, as an Apache broker closes it on a decoding error.
var ErrFrame = errors.New("remoting: bad frame")

// Command is one request or response of the remoting protocol.
type Command struct {
	Code      int16
	Language  string // "GO", "JAVA", ...; answered as "JAVA" would be by a broker
	Version   int16
	Opaque    int32 // matches a response to its request
	Flag      int32
	Remark    string
	ExtFields map[string]string
	Body      []byte
	// Serialize is the header serialization the command was read with, and
	// the one it is written with.
	Serialize byte
}

// IsResponse reports whether c is a response.
func (c *Command) IsResponse() bool { return c.Flag&flagResponse != 0 }

// IsOneway reports whether c is a request that wants no response.
func (c *Command) IsOneway() bool { return c.Flag&flagOneway != 0 }

// languages are the codes of the binary serialization's language byte.
var languages = []string{"JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS"}

func languageCode(name string) byte {
	for i, l := range languages {
		if l == name {
			return byte(i)
		}
	}
	return 7 // OTHER
}

func languageName(code byte) string {
	if int(code) < len(languages) {
		return languages[code]
	}
	return "OTHER"
}

// jsonHeader is the JSON serialization of a command's header.
type jsonHeader struct {
	Code      int16             `json:"code"`
	Language  string            `json:"language"`
	Version   int16             `json:"version"`
	Opaque    int32             `json:"opaque"`
	Flag      int32             `json:"flag"`
	Remark    string            `json:"remark,omitempty"`
	ExtFields map[string]string `json:"extFields,omitempty"`
	// Java clients name the serialization in the header.
	SerializeType string `json:"serializeTypeCurrentRPC,omitempty"`
}

// readChunk is the most ReadCommand reads of a frame per reserve call.
const readChunk = 64 << 10

// ReadCommand reads one frame. A frame longer than limit (at most
// MaxFrame), or one that does not decode, gives an error wrapping
// ErrFrame; the connection should then be closed. reserve, when not nil,
// is called before each part of the frame is read, with its length (at
// most 64 KiB; the parts add up to the frame's length), so the caller can
// bound the memory of frames in flight by the bytes that arrived: a
// client that announces a long frame and stalls holds one part. Its error
// is returned as is, and the parts reserved before it are the caller's
// to release.
func ReadCommand(r *bufio.Reader, limit int, reserve func(n int) error) (*Command, error) {
	var prefix [4]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(prefix[:]))
	if n < 4 || n > limit {
		return nil, fmt.Errorf("%w: length %d outside 4..%d", ErrFrame, n, limit)
	}
	frame := make([]byte, 0, min(n, readChunk))
	for len(frame) < n {
		part := min(n-len(frame), readChunk)
		if reserve != nil {
			if err := reserve(part); err != nil {
				return nil, err
			}
		}
		frame = slices.Grow(frame, part)
		if _, err := io.ReadFull(r, frame[len(frame):len(frame)+part]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		frame = frame[:len(frame)+part]
	}
	return DecodeFrame(frame)
}

// DecodeFrame decodes a frame without its length prefix: the header
// length and serialization, the header, and the body.
func DecodeFrame(frame []byte) (*Command, error) {
	if len(frame) < 4 {
		return nil, fmt.Errorf("%w: %d bytes, no header length", ErrFrame, len(frame))
	}
	mark := binary.BigEndian.Uint32(frame)
	kind, hlen := byte(mark>>24), int(mark&0xFFFFFF)
	if hlen > len(frame)-4 {
		return nil, fmt.Errorf("%w: header of %d bytes in a frame of %d", ErrFrame, hlen, len(frame))
	}
	header, body := frame[4:4+hlen], frame[4+hlen:]
	var c *Command
	var err error
	switch kind {
	case SerializeJSON:
		c, err = decodeJSONHeader(header)
	case SerializeRocketMQ:
		c, err = decodeBinaryHeader(header)
	default:
		return nil, fmt.Errorf("%w: unknown header serialization %d", ErrFrame, kind)
	}
	if err != nil {
		return nil, err
	}
	c.Serialize = kind
	if len(body) > 0 {
		c.Body = body
	}
	return c, nil
}

func decodeJSONHeader(b []byte) (*Command, error) {
	var h jsonHeader
	// go-json decodes headers several times faster than encoding/json,
	// with the same results for this struct (see FuzzDecodeFrame).
	if err := gojson.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%w: JSON header: %v", ErrFrame, err)
	}
	return &Command{Code: h.Code, Language: h.Language, Version: h.Version, Opaque: h.Opaque,
		Flag: h.Flag, Remark: h.Remark, ExtFields: h.ExtFields}, nil
}

// decodeBinaryHeader reads the RocketMQ serialization: code (2), language
// (1), version (2), opaque (4), flag (4), remark length (4) and remark,
// extFields length (4) and entries of key length (2), key, value length
// (4), value.
func decodeBinaryHeader(b []byte) (*Command, error) {
	r := reader{b: b}
	c := &Command{}
	c.Code = int16(r.u16())
	c.Language = languageName(r.u8())
	c.Version = int16(r.u16())
	c.Opaque = int32(r.u32())
	c.Flag = int32(r.u32())
	c.Remark = string(r.bytes(int(r.u32())))
	ext := reader{b: r.bytes(int(r.u32()))}
	if r.err != nil {
		return nil, fmt.Errorf("%w: binary header: %v", ErrFrame, r.err)
	}
	if r.rest() > 0 {
		return nil, fmt.Errorf("%w: binary header: %d bytes after the extFields", ErrFrame, r.rest())
	}
	for ext.rest() > 0 && ext.err == nil {
		k := string(ext.bytes(int(ext.u16())))
		v := string(ext.bytes(int(ext.u32())))
		if ext.err == nil {
			if c.ExtFields == nil {
				c.ExtFields = make(map[string]string)
			}
			c.ExtFields[k] = v
		}
	}
	if ext.err != nil {
		return nil, fmt.Errorf("%w: binary header extFields: %v", ErrFrame, ext.err)
	}
	return c, nil
}

// AppendFrame appends c as a frame, length prefix included, in its
// serialization.
func AppendFrame(dst []byte, c *Command) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0)
	var err error
	switch c.Serialize {
	case SerializeJSON:
		dst, err = appendJSONHeader(dst, c)
	case SerializeRocketMQ:
		dst, err = appendBinaryHeader(dst, c)
	default:
		return dst[:start], fmt.Errorf("remoting: unknown header serialization %d", c.Serialize)
	}
	if err != nil {
		return dst[:start], err
	}
	hlen := len(dst) - start - 8
	if hlen > 0xFFFFFF {
		return dst[:start], fmt.Errorf("remoting: header of %d bytes is too long", hlen)
	}
	dst = append(dst, c.Body...)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	binary.BigEndian.PutUint32(dst[start+4:], uint32(c.Serialize)<<24|uint32(hlen))
	return dst, nil
}

func appendJSONHeader(dst []byte, c *Command) ([]byte, error) {
	h := jsonHeader{Code: c.Code, Language: c.Language, Version: c.Version, Opaque: c.Opaque,
		Flag: c.Flag, Remark: c.Remark, ExtFields: c.ExtFields}
	b, err := gojson.Marshal(&h)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

func appendBinaryHeader(dst []byte, c *Command) ([]byte, error) {
	for k := range c.ExtFields {
		if len(k) > 0xFFFF {
			return dst, fmt.Errorf("remoting: extFields key of %d bytes does not fit the binary header's 65535", len(k))
		}
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(c.Code))
	dst = append(dst, languageCode(c.Language))
	dst = binary.BigEndian.AppendUint16(dst, uint16(c.Version))
	dst = binary.BigEndian.AppendUint32(dst, uint32(c.Opaque))
	dst = binary.BigEndian.AppendUint32(dst, uint32(c.Flag))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(c.Remark)))
	dst = append(dst, c.Remark...)
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	for k, v := range c.ExtFields {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(k)))
		dst = append(dst, k...)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(v)))
		dst = append(dst, v...)
	}
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	return dst, nil
}

// reader reads big-endian fields, remembering the first shortage.
type reader struct {
	b   []byte
	err error
}

func (r *reader) rest() int { return len(r.b) }

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = fmt.Errorf("field of %d bytes, %d left", n, len(r.b))
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}
