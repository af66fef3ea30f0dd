package mqclient

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	gerrors "github.com/gogap/errors"
)

// Defaults: the local RocketMQ that "go run ./cmd/rocketfn mq" serves, and
// its access key.
const (
	DefaultEndpoint      = "http://127.0.0.1:8080"
	LocalAccessKeyID     = "rocketfn-local"
	LocalAccessKeySecret = "rocketfn-local-secret"
)

// Environment variables a Config is read from.
const (
	EnvEndpoint        = "MQ_ENDPOINT"
	EnvInstance        = "MQ_INSTANCE"
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// Config is where an example connects and the key it signs requests with.
type Config struct {
	// Endpoint is the instance's MQ HTTP endpoint, such as
	// http://123.mqrest.cn-hangzhou.aliyuncs.com in the cloud.
	Endpoint string
	// Instance is the instance ID (the ns parameter); empty for the
	// default instance, which is what the local RocketMQ uses.
	Instance string
	// AccessKeyID, AccessKeySecret and SecurityToken sign the requests;
	// SecurityToken only for STS credentials.
	AccessKeyID, AccessKeySecret, SecurityToken string
}

// FromEnv reads a Config from the environment through getenv (os.Getenv
// in a program). Unset variables take the local defaults; the access key
// is the local one only when neither its ID nor its secret is set.
func FromEnv(getenv func(string) string) Config {
	c := Config{
		Endpoint:        getenv(EnvEndpoint),
		Instance:        getenv(EnvInstance),
		AccessKeyID:     getenv(EnvAccessKeyID),
		AccessKeySecret: getenv(EnvAccessKeySecret),
		SecurityToken:   getenv(EnvSecurityToken),
	}
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.AccessKeyID == "" && c.AccessKeySecret == "" {
		c.AccessKeyID, c.AccessKeySecret = LocalAccessKeyID, LocalAccessKeySecret
	}
	return c
}

// RegisterFlags adds -endpoint and -instance to fs, defaulting to c's
// values and storing into c. The access key stays in the environment,
// out of shell history and process listings.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Endpoint, "endpoint", c.Endpoint, "MQ HTTP `url` of the instance (env "+EnvEndpoint+")")
	fs.StringVar(&c.Instance, "instance", c.Instance, "instance `id`, empty for the default instance (env "+EnvInstance+")")
}

// Validate reports a Config the SDK cannot use.
func (c Config) Validate() error {
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint %q: want an http or https URL such as %s", c.Endpoint, DefaultEndpoint)
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return fmt.Errorf("access key: set both %s and %s", EnvAccessKeyID, EnvAccessKeySecret)
	}
	return nil
}

// Client validates c and returns an official SDK client for it.
func (c Config) Client() (mq.MQClient, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return mq.NewAliyunMQClient(c.Endpoint, c.AccessKeyID, c.AccessKeySecret, c.SecurityToken), nil
}

// Receive runs one of the SDK's channel-style calls (ConsumeMessage,
// ConsumeMessageOrderly, ConsumeHalfMessage) and returns its answer, or
// ctx's error when ctx ends first; the call then finishes in the
// background. An empty answer comes back as the SDK's MessageNotExist
// error.
func Receive(ctx context.Context, call func(chan mq.ConsumeMessageResponse, chan error)) (mq.ConsumeMessageResponse, error) {
	respc, errc := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go call(respc, errc)
	select {
	case resp := <-respc:
		return resp, nil
	case err := <-errc:
		return mq.ConsumeMessageResponse{}, err
	case <-ctx.Done():
		return mq.ConsumeMessageResponse{}, ctx.Err()
	}
}

// AckErrors returns the per-handle failures the SDK attaches to the error
// of AckMessage, Commit or Rollback, if any.
func AckErrors(err error) []mq.ErrAckItem {
	var code gerrors.ErrCode
	if errors.As(err, &code) {
		if items, ok := code.Context()["Detail"].([]mq.ErrAckItem); ok {
			return items
		}
	}
	return nil
}

// Handles returns the receipt handles of ms, to acknowledge them.
func Handles(ms []mq.ConsumeMessageEntry) []string {
	hs := make([]string, len(ms))
	for i, m := range ms {
		hs[i] = m.ReceiptHandle
	}
	return hs
}
