package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRedactPaths(t *testing.T) {
	doc := `[
  {"id": "e1", "aliyunaccountid": "1234567890123456",
   "data": {"topic": "users", "userProperties": {"apiToken": "tk", "region": "hz"},
            "body": "{\"user\":\"ann\",\"password\":\"hunter2\",\"note\":\"<b>é</b>\"}"}},
  {"id": "e2", "AliyunAccountID": 7, "data": {"body": "plain text, not JSON", "card": {"number": "4111"}}}
]`
	out, n := newRedactor("data.body.password, ALIYUNACCOUNTID,card", true).redact([]byte(doc))
	if n != 5 {
		t.Errorf("%d values redacted, want 5 (password, 2 account IDs, apiToken, card):\n%s", n, out)
	}
	var events []struct {
		AccountID any `json:"aliyunaccountid"`
		Data      struct {
			UserProperties map[string]string `json:"userProperties"`
			Body           string            `json:"body"`
			Card           any               `json:"card"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &events); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	e1, e2 := events[0], events[1]
	if e1.AccountID != "REDACTED" || e1.Data.UserProperties["apiToken"] != "REDACTED" || e1.Data.UserProperties["region"] != "hz" ||
		e1.Data.Body != `{"user":"ann","password":"REDACTED","note":"<b>é</b>"}` {
		t.Errorf("first event: %+v", e1)
	}
	if e2.Data.Card != "REDACTED" || e2.Data.Body != "plain text, not JSON" {
		t.Errorf("second event: %+v", e2)
	}
	if !strings.Contains(string(out), `"AliyunAccountID": "REDACTED", "data"`) || !strings.HasPrefix(string(out), "[\n  {\"id\": \"e1\",") {
		t.Errorf("the layout around the redacted values changed:\n%s", out)
	}
}

func TestRedactLeavesOtherDocumentsAlone(t *testing.T) {
	doc := []byte("{\"id\":\"e1\",\"data\":{\"body\":\"{\\\"a\\\":\\\"\\u003c\\\"}\",\"n\":1.50e3,\"ok\":true,\"nil\":null,\"list\":[1,[2],{}]}}")
	out, n := newRedactor("data.body.password", true).redact(doc)
	if n != 0 || string(out) != string(doc) {
		t.Errorf("redacted %d values of a document without them:\n%s\n%s", n, doc, out)
	}
}

func TestRedactCredentialNames(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "db_passwd": true, "clientSecret": true, "x-security-token": true, "Authorization": true,
		"ACCESS_KEY_ID": true, "apiKey": true, "private.key": true, "signature": true,
		"KEYS": false, "UNIQ_KEY": false, "TRACE_ON": false, "aliyunaccountid": false, "body": false, "topic": false,
	} {
		if got := isCredentialName(name); got != want {
			t.Errorf("isCredentialName(%q) = %v, want %v", name, got, want)
		}
	}
	doc := `{"password":"x","data":{"body":"{\"token\":\"y\"}"}}`
	if out, n := newRedactor("", false).redact([]byte(doc)); n != 0 || string(out) != doc {
		t.Errorf("credentials redacted with credentials off: %s", out)
	}
	if out, n := newRedactor("", true).redact([]byte(doc)); n != 2 || string(out) != `{"password":"REDACTED","data":{"body":"{\"token\":\"REDACTED\"}"}}` {
		t.Errorf("credentials on: %d, %s", n, out)
	}
}

func TestRedactEventsInStrings(t *testing.T) {
	// Array elements that are JSON strings holding an event, as some
	// senders deliver them.
	doc := `["{\"id\":\"e1\",\"data\":{\"body\":\"{\\\"password\\\":\\\"p\\\"}\"}}"]`
	out, n := newRedactor("data.body.password", false).redact([]byte(doc))
	var elems []string
	if err := json.Unmarshal(out, &elems); err != nil || n != 1 {
		t.Fatalf("%d redacted, %v: %s", n, err, out)
	}
	if elems[0] != `{"id":"e1","data":{"body":"{\"password\":\"REDACTED\"}"}}` {
		t.Errorf("element = %s", elems[0])
	}
}
