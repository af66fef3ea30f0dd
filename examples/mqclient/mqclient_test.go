package mqclient

import (
	"flag"
	"strings"
	"testing"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnvDefaultsToTheLocalStack(t *testing.T) {
	c := FromEnv(env(nil))
	want := Config{Endpoint: DefaultEndpoint, AccessKeyID: LocalAccessKeyID, AccessKeySecret: LocalAccessKeySecret}
	if c != want {
		t.Fatalf("FromEnv() = %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("the local defaults do not validate: %v", err)
	}
}

func TestFromEnvAndFlags(t *testing.T) {
	c := FromEnv(env(map[string]string{
		EnvEndpoint: "http://1.mqrest.cn-hangzhou.aliyuncs.com", EnvInstance: "MQ_INST_1",
		EnvAccessKeyID: "LTAI1", EnvAccessKeySecret: "s", EnvSecurityToken: "tok",
	}))
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"-instance", "MQ_INST_2"}); err != nil {
		t.Fatal(err)
	}
	want := Config{Endpoint: "http://1.mqrest.cn-hangzhou.aliyuncs.com", Instance: "MQ_INST_2",
		AccessKeyID: "LTAI1", AccessKeySecret: "s", SecurityToken: "tok"}
	if c != want {
		t.Fatalf("config = %+v, want %+v", c, want)
	}
	if _, err := c.Client(); err != nil {
		t.Fatalf("Client: %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{EnvAccessKeyID: "LTAI1"}, "set both"},
		{map[string]string{EnvAccessKeySecret: "s"}, "set both"},
		{map[string]string{EnvEndpoint: "127.0.0.1:8080"}, "want an http or https URL"},
		{map[string]string{EnvEndpoint: "http://"}, "want an http or https URL"},
	} {
		_, err := FromEnv(env(tc.env)).Client()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v: %v, want an error with %q", tc.env, err, tc.want)
		}
	}
}
