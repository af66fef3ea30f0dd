package remoting

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"sync"
	"time"
)

// Credentials sign a Client's requests for brokers with ACL.
type Credentials struct {
	AccessKey, SecretKey, SecurityToken string
}

// Client is one connection to a name server or broker: requests are
// multiplexed by opaque, and requests the server sends (notifications)
// go to OnRequest. It is safe for concurrent use.
type Client struct {
	nc    net.Conn
	creds Credentials
	// onRequest handles the server's requests; nil ignores them.
	onRequest func(*Command)

	wmu    sync.Mutex
	w      *bufio.Writer
	mu     sync.Mutex
	opaque int32
	wait   map[int32]chan *Command
	err    error
	done   chan struct{}
}

// ErrClientClosed is returned by calls on a closed Client.
var ErrClientClosed = errors.New("remoting: client closed")

// Dial connects to addr. onRequest, when not nil, receives the requests
// the server sends, on the client's reading goroutine.
func Dial(ctx context.Context, addr string, creds Credentials, onRequest func(*Command)) (*Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("remoting: %w", err)
	}
	c := &Client{nc: nc, creds: creds, onRequest: onRequest, w: bufio.NewWriter(nc),
		wait: map[int32]chan *Command{}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *Client) read() {
	r := bufio.NewReaderSize(c.nc, 64<<10)
	var err error
	for {
		var cmd *Command
		cmd, err = ReadCommand(r, MaxFrame, nil)
		if err != nil {
			break
		}
		if !cmd.IsResponse() {
			if c.onRequest != nil {
				c.onRequest(cmd)
			}
			continue
		}
		c.mu.Lock()
		ch := c.wait[cmd.Opaque]
		delete(c.wait, cmd.Opaque)
		c.mu.Unlock()
		if ch != nil {
			ch <- cmd
		}
	}
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
	close(c.done)
}

// Call sends a request (JSON serialization, signed when the client has
// credentials) and waits for its response until ctx ends.
func (c *Client) Call(ctx context.Context, req *Command) (*Command, error) {
	req.Language, req.Version, req.Serialize = "GO", 317, SerializeJSON
	if req.ExtFields == nil {
		req.ExtFields = map[string]string{}
	}
	c.sign(req)
	ch := make(chan *Command, 1)
	c.mu.Lock()
	if c.err != nil || isClosed(c.done) {
		c.mu.Unlock()
		return nil, ErrClientClosed
	}
	c.opaque++
	req.Opaque = c.opaque
	c.wait[req.Opaque] = ch
	c.mu.Unlock()
	forget := func() {
		c.mu.Lock()
		delete(c.wait, req.Opaque)
		c.mu.Unlock()
	}
	frame, err := AppendFrame(nil, req)
	if err != nil {
		forget()
		return nil, err
	}
	c.wmu.Lock()
	c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err = c.w.Write(frame)
	if err == nil {
		err = c.w.Flush()
	}
	c.wmu.Unlock()
	if err != nil {
		forget()
		c.nc.Close()
		return nil, fmt.Errorf("remoting: %w", err)
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-ctx.Done():
		forget()
		return nil, ctx.Err()
	case <-c.done:
		return nil, ErrClientClosed
	}
}

// sign adds the ACL fields of c's credentials to req, as clients sign:
// the values of the extFields and the AccessKey and SecurityToken, sorted
// by key, then the body, HMAC-SHA1 with the secret key, base64.
func (c *Client) sign(req *Command) {
	if c.creds.AccessKey == "" {
		return
	}
	req.ExtFields[fieldAccessKey] = c.creds.AccessKey
	if c.creds.SecurityToken != "" {
		req.ExtFields[fieldSecurityToken] = c.creds.SecurityToken
	}
	delete(req.ExtFields, fieldSignature)
	mac := hmac.New(sha1.New, []byte(c.creds.SecretKey))
	for _, k := range slices.Sorted(maps.Keys(req.ExtFields)) {
		mac.Write([]byte(req.ExtFields[k]))
	}
	mac.Write(req.Body)
	req.ExtFields[fieldSignature] = base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.done }

// Close ends the connection.
func (c *Client) Close() error {
	err := c.nc.Close()
	<-c.done
	return err
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
