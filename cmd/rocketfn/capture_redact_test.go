package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// captureSecret is one line of testdata/capture/secrets.txt: a secret of
// the corpus, what it becomes, and where it is.
type captureSecret struct{ kind, value, where string }

func readCaptureSecrets(t *testing.T) []captureSecret {
	t.Helper()
	b, err := os.ReadFile("testdata/capture/secrets.txt")
	if err != nil {
		t.Fatal(err)
	}
	var secrets []captureSecret
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		secrets = append(secrets, captureSecret{f[0], f[1], strings.Join(f[2:], " ")})
	}
	return secrets
}

// expected is text as its fixture must hold it: each secret replaced by
// its placeholder.
func expected(text string, secrets []captureSecret) string {
	for _, s := range secrets {
		text = strings.ReplaceAll(text, s.value, "<redacted:"+s.kind+">")
	}
	return text
}

// secretIn returns the first secret that text holds, or "".
func secretIn(text string, secrets []captureSecret) string {
	for _, s := range secrets {
		if strings.Contains(text, s.value) {
			return s.value
		}
	}
	return ""
}

// redactedAs reports whether got is what the fixture may hold for the
// text want of the payload (a field, or a token of captureLeaves): want
// itself when it holds no secret, else REDACTED (by name) or want with
// each secret replaced by its placeholder.
func redactedAs(got, want string, secrets []captureSecret) bool {
	if secretIn(want, secrets) == "" {
		return got == want
	}
	return strings.TrimPrefix(got, "s:") == "REDACTED" || got == expected(want, secrets)
}

// TestCaptureCorpus captures payloads that carry secrets in every place a
// payload has (properties, extensions, CloudEvent data and data_base64,
// RawData, batches, events in strings; bodies as text, JSON, JSON in a
// JSON string and base64 of JSON or text): no secret is
// left in the bytes of a fixture or in anything decoded from them, the
// fixtures decode with runtime/event as the payloads do, and everything
// else is as it was.
func TestCaptureCorpus(t *testing.T) {
	secrets := readCaptureSecrets(t)
	found := map[string]bool{}
	var inputs [][]byte
	for _, source := range [][]string{{"--from", "testdata/capture/corpus"}} {
		payloads, _, err := payloadsFromDir(source[1])
		if err != nil {
			t.Fatal(err)
		}
		fixtures := captureFixtures(t, append(source, "--out", t.TempDir()))
		if len(fixtures) != len(payloads) {
			t.Fatalf("%s: %d fixtures of %d payloads", source[1], len(fixtures), len(payloads))
		}
		for i, p := range payloads {
			inputs = append(inputs, p.data)
			t.Run(p.source, func(t *testing.T) {
				checkCorpusFixture(t, p.data, fixtures[i], secrets, found)
			})
		}
	}
	all := bytes.Join(inputs, nil)
	for _, s := range secrets {
		if !found[s.value] {
			t.Errorf("the corpus does not hold %s (%s)", s.value, s.where)
		}
		if strings.Contains(s.where, "base64") && bytes.Contains(all, []byte(s.value)) {
			t.Errorf("%s (%s) is in the payloads' bytes, not only in base64", s.value, s.where)
		}
	}
}

// captureFixtures runs rocketfn capture with args and returns the fixtures in
// order.
func captureFixtures(t *testing.T, args []string) [][]byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := capture(args, &stdout, &stderr); err != nil {
		t.Fatalf("capture %q: %v (%s)", args, err, stderr.String())
	}
	dir := args[len(args)-1]
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fixtures [][]byte
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fixtures = append(fixtures, b)
	}
	return fixtures
}

// checkCorpusFixture checks the fixture out of the payload in, noting in
// found the secrets that in holds.
func checkCorpusFixture(t *testing.T, in, out []byte, secrets []captureSecret, found map[string]bool) {
	for _, s := range secrets {
		if bytes.Contains(out, []byte(s.value)) {
			t.Errorf("the fixture holds %s (%s)", s.value, s.where)
		}
	}
	inLeaves, err := captureLeaves(in)
	if err != nil {
		t.Fatal(err)
	}
	outLeaves, err := captureLeaves(out)
	if err != nil {
		t.Fatalf("the fixture is not JSON: %v\n%s", err, out)
	}
	for _, l := range inLeaves {
		for _, s := range secrets {
			if strings.Contains(l, s.value) {
				found[s.value] = true
			}
		}
	}
	for _, l := range outLeaves {
		if s := secretIn(l, secrets); s != "" {
			t.Errorf("a string decoded from the fixture holds %s: %.200s", s, l)
		}
		for _, p := range builtinPatterns {
			if m := p.re.FindString(l); m != "" {
				t.Errorf("a string decoded from the fixture holds %q: %.200s", m, l)
			}
		}
	}
	if len(outLeaves) != len(inLeaves) {
		t.Fatalf("the fixture has %d strings and tokens, the payload %d:\n%s\n%s",
			len(outLeaves), len(inLeaves), strings.Join(inLeaves, "\n"), strings.Join(outLeaves, "\n"))
	}
	for i := range inLeaves {
		if !redactedAs(outLeaves[i], inLeaves[i], secrets) {
			t.Errorf("token %d is %.200q, want %.200q", i, outLeaves[i], expected(inLeaves[i], secrets))
		}
	}
	if secretIn(strings.Join(inLeaves, "\n"), secrets) == "" && !bytes.Equal(out, in) {
		t.Errorf("a payload without secrets changed:\n%s\n%s", in, out)
	}
	checkCorpusEvents(t, in, out, secrets)
}

// captureLeaves lists the tokens of a JSON document in order, member
// names and values alike, with the JSON that strings hold and base64 of
// JSON or UTF-8 text decoded in place: "s:" and the text of each string,
// the other tokens as fmt prints them.
func captureLeaves(doc []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if s, ok := tok.(string); ok {
			out = append(out, stringLeaves(s)...)
		} else {
			out = append(out, fmt.Sprint(tok))
		}
	}
}

// stringLeaves is captureLeaves for the text of a string.
func stringLeaves(s string) []string {
	if t := strings.TrimSpace(s); t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		inner, _ := captureLeaves([]byte(t))
		return slices.Concat([]string{"json("}, inner, []string{")"})
	}
	if b, ok := testBase64(s); ok {
		inner := []string{"s:" + string(b)}
		if json.Valid(b) {
			inner, _ = captureLeaves(b)
		} else if t := strings.TrimSpace(string(b)); t != "" && (t[0] == '{' || t[0] == '[') {
			inner = stringLeaves(string(b))
		}
		return slices.Concat([]string{"base64("}, inner, []string{")"})
	}
	return []string{"s:" + s}
}

// testBase64 decodes s as base64 of UTF-8 text in any of the alphabets and
// paddings a function may decode it with.
func testBase64(s string) ([]byte, bool) {
	if len(s) < 16 {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && utf8.Valid(b) {
			return b, true
		}
	}
	return nil, false
}

// checkCorpusEvents decodes payload and fixture with runtime/event: the
// same messages, their fields redacted as the strings are, bodies free of
// secrets however they are read and decodable as before.
func checkCorpusEvents(t *testing.T, in, out []byte, secrets []captureSecret) {
	pin, err := event.Decode(in)
	if err != nil || len(pin.Failed) > 0 {
		t.Fatalf("the payload does not decode: %v %v", err, pin.Failed)
	}
	pout, err := event.Decode(out)
	if err != nil {
		t.Fatalf("the fixture does not decode: %v\n%s", err, out)
	}
	if len(pout.Messages) != len(pin.Messages) || len(pout.Failed) != 0 || pout.Batch != pin.Batch {
		t.Fatalf("the fixture has %d messages (%d failed, batch %v), the payload %d (batch %v)",
			len(pout.Messages), len(pout.Failed), pout.Batch, len(pin.Messages), pin.Batch)
	}
	for i := range pin.Messages {
		a, b := &pin.Messages[i], &pout.Messages[i]
		fa, fb := messageFields(a), messageFields(b)
		if len(fa) != len(fb) {
			t.Errorf("message %d: fields %q, want %q", i, fb, fa)
			continue
		}
		for j := range fa {
			if !redactedAs(fb[j], fa[j], secrets) {
				t.Errorf("message %d: %q, want %q", i, fb[j], expected(fa[j], secrets))
			}
		}
		if b.BodyKind != a.BodyKind {
			t.Errorf("message %d: body kind %v, want %v", i, b.BodyKind, a.BodyKind)
		}
		bodies := []string{string(b.Body)}
		if raw, err := b.Base64(); err == nil {
			bodies = append(bodies, string(raw))
		}
		var doc json.RawMessage
		errIn := a.DecodeJSON(new(json.RawMessage))
		if err := b.DecodeJSON(&doc); err == nil {
			bodies = append(bodies, string(doc))
		} else if errIn == nil {
			t.Errorf("message %d: the body no longer decodes: %v", i, err)
		}
		for _, body := range bodies {
			if s := secretIn(body, secrets); s != "" {
				t.Errorf("message %d: the body holds %s: %.200s", i, s, body)
			}
		}
	}
}

// messageFields lists the fields of m that are not its body, as
// "name=value" strings.
func messageFields(m *event.Message) []string {
	f := []string{"id=" + m.ID, "topic=" + m.Topic, "tag=" + m.Tag, "keys=" + strings.Join(m.Keys, " "),
		"event=" + m.Event.ID + " " + m.Event.Source + " " + m.Event.Type + " " + m.Event.Subject}
	for _, ps := range []event.Properties{m.SystemProperties, m.UserProperties, m.Extra, m.Event.Extensions} {
		for _, p := range ps {
			f = append(f, p.Key+"="+p.Kind.String()+":", p.Value)
		}
	}
	return f
}

// TestCaptureRedactText checks the built-in patterns at their edges.
func TestCaptureRedactText(t *testing.T) {
	key := "LTAI5tAbCdEfGhIjKlMnOpQr"
	secret := "AbCdEfGhIjKlMnOpQrStUvWxYz0123"
	token := "CAIS" + strings.Repeat("q1W2e3R4t5+/", 10) + "=="
	for _, c := range []struct {
		in, want string
		n        int
	}{
		{in: "key " + key + ".", want: "key <redacted:access-key-id>.", n: 1},
		{in: "LTAI" + strings.Repeat("a", 12), want: "<redacted:access-key-id>", n: 1},
		{in: "LTAI" + strings.Repeat("a", 11), want: "LTAI" + strings.Repeat("a", 11)},
		{in: "LTAI" + strings.Repeat("a", 34), want: "<redacted:access-key-id>aaaa", n: 1},
		{in: "STS.NUgYrLnoC37mZZCNnAbez2Mhf, again STS.NUgYrLnoC37mZZCNnAbez2Mhf", want: "<redacted:sts-access-key-id>, again <redacted:sts-access-key-id>", n: 2},
		{in: "call STS.AssumeRole", want: "call STS.AssumeRole"},
		{in: "x-acs-security-token: " + token + "\n", want: "x-acs-security-token: <redacted:sts-token>\n", n: 1},
		{in: "CAISSON", want: "CAISSON"},
		{in: "AccessKeySecret=" + secret, want: "AccessKeySecret=<redacted:access-key-secret>", n: 1},
		{in: "access_key_secret: " + secret + ", region", want: "access_key_secret: <redacted:access-key-secret>, region", n: 1},
		{in: `{"accessKeySecret": "` + secret + `"}`, want: `{"accessKeySecret": "<redacted:access-key-secret>"}`, n: 1},
		{in: `{\"AccessKeySecret\":\"` + secret + `\"}`, want: `{\"AccessKeySecret\":\"<redacted:access-key-secret>\"}`, n: 1},
		{in: "--secret-key " + secret, want: "--secret-key <redacted:access-key-secret>", n: 1},
		{in: "export ALIBABA_CLOUD_ACCESS_KEY_SECRET='" + secret + "'", want: "export ALIBABA_CLOUD_ACCESS_KEY_SECRET='<redacted:access-key-secret>'", n: 1},
		{in: "AccessKeySecret=" + secret + "4", want: "AccessKeySecret=" + secret + "4"}, // 31 characters
		{in: "order " + secret, want: "order " + secret},
		{in: "<redacted:access-key-id> and REDACTED", want: "<redacted:access-key-id> and REDACTED"},
		{in: "AccessKeyId=" + key + "&AccessKeySecret=" + secret + "&SecurityToken=" + token,
			want: "AccessKeyId=<redacted:access-key-id>&AccessKeySecret=<redacted:access-key-secret>&SecurityToken=<redacted:sts-token>", n: 3},
	} {
		got, n := newCaptureRedactor("", true, nil).text(c.in)
		if got != c.want || n != c.n {
			t.Errorf("text(%q) = %q, %d; want %q, %d", c.in, got, n, c.want, c.n)
		}
	}
	if got, n := newCaptureRedactor("", false, nil).text("key " + key); n != 0 || got != "key "+key {
		t.Errorf("with credentials off: %q, %d", got, n)
	}
}

// TestCaptureRedactPlaceholders checks that no pattern redacts a
// placeholder: a user pattern that matches one leaves it alone, so a
// redacted text stays as it is.
func TestCaptureRedactPlaceholders(t *testing.T) {
	p, err := newValuePattern(`redacted|[a-z]+-key-id`)
	if err != nil {
		t.Fatal(err)
	}
	c := newCaptureRedactor("", true, []valuePattern{p})
	want := "<redacted:access-key-id> and <redacted:pattern>, <redacted:pattern>"
	got, n := c.text("LTAI5tAbCdEfGhIjKlMnOpQr and my-key-id, redacted")
	if got != want || n != 3 {
		t.Errorf("text = %q, %d; want %q, 3", got, n, want)
	}
	if again, n := c.text(got); again != got || n != 0 {
		t.Errorf("text again = %q, %d", again, n)
	}
}

// TestCaptureRedactBase64 checks that base64 text is encoded again as it
// was: alphabet and padding; binary data is left alone.
func TestCaptureRedactBase64(t *testing.T) {
	c := newCaptureRedactor("", true, nil)
	text := "key LTAI5tAbCdEfGhIjKlMnOpQr ~~~ ??"
	want := "key <redacted:access-key-id> ~~~ ??" // 35 bytes: padded, 2 characters
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		got, n := c.str(enc.EncodeToString([]byte(text)), nil)
		if n != 1 || got != enc.EncodeToString([]byte(want)) {
			t.Errorf("%s: %d redacted, %q", enc.EncodeToString([]byte(want)), n, got)
		}
	}
	doc := `{"id":"e1","accessKey":"LTAI5tAbCdEfGhIjKlMnOpQr","note":"STS.NUgYrLnoC37mZZCNnAbez2Mhf"}`
	got, n := c.str(base64.StdEncoding.EncodeToString([]byte(doc)), nil)
	b, _ := base64.StdEncoding.DecodeString(got)
	if n != 2 || string(b) != `{"id":"e1","accessKey":"REDACTED","note":"<redacted:sts-access-key-id>"}` {
		t.Errorf("base64 JSON: %d redacted, %s", n, b)
	}
	binary := base64.StdEncoding.EncodeToString([]byte("\xff\xfe LTAI5tAbCdEfGhIjKlMnOpQr"))
	if got, n := c.str(binary, nil); n != 0 || got != binary {
		t.Errorf("binary data: %d redacted, %q", n, got)
	}
}

// TestCaptureRedactPattern captures with --redact-pattern expressions: the
// whole match or the first group's text is replaced, in properties, text
// bodies, JSON bodies and base64 bodies alike, with or without the
// built-in patterns.
func TestCaptureRedactPattern(t *testing.T) {
	dir := t.TempDir()
	body := base64.StdEncoding.EncodeToString([]byte(`{"order":"ORD-11112222","pay":"card=5500000000000004"}`))
	payload := `[{"id":"e1","specversion":"1.0","source":"s","type":"t","data":{"topic":"orders",` +
		`"userProperties":{"ref":"ORD-87654321","ak":"LTAI5tAbCdEfGhIjKlMnOpQr"},"body":"order ORD-12345678 paid with card=4111111111111111 (ORD-1234)"}},` +
		`{"id":"e2","specversion":"1.0","source":"s","type":"t","data":{"topic":"orders","body":"` + body + `"}},` +
		`{"id":"e3","specversion":"1.0","source":"s","type":"t","data":{"topic":"orders","body":"{\"card\":\"x\",\"memo\":\"card=4000000000000002\"}"}}]`
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--from", dir, "--redact-pattern", "ORD-[0-9]{8}", "--redact-pattern", "card=(?P<card>[0-9]{16})"}
	for _, c := range []struct {
		credentials string
		ak          string
	}{{"true", "<redacted:access-key-id>"}, {"false", "LTAI5tAbCdEfGhIjKlMnOpQr"}} {
		fixtures := captureFixtures(t, append(args, "--redact-credentials="+c.credentials, "--out", t.TempDir()))
		p, err := event.Decode(fixtures[0])
		if err != nil || len(p.Messages) != 3 {
			t.Fatalf("credentials %s: %v\n%s", c.credentials, err, fixtures[0])
		}
		m := p.Messages
		var b struct{ Order, Pay string }
		if err := m[1].DecodeJSON(&b); err != nil {
			t.Fatal(err)
		}
		if m[0].UserProperties.Get("ref") != "<redacted:pattern>" || m[0].UserProperties.Get("ak") != c.ak ||
			m[0].Text() != "order <redacted:pattern> paid with card=<redacted:card> (ORD-1234)" ||
			b.Order != "<redacted:pattern>" || b.Pay != "card=<redacted:card>" ||
			m[2].Text() != `{"card":"x","memo":"card=<redacted:card>"}` {
			t.Errorf("credentials %s: fixture\n%s", c.credentials, fixtures[0])
		}
	}
}

func TestCaptureRedactPatternErrors(t *testing.T) {
	for _, expr := range []string{"(", "x*", "a|"} {
		var stdout, stderr bytes.Buffer
		err := capture([]string{"--from", "testdata/captured", "--out", t.TempDir(), "--redact-pattern", expr}, &stdout, &stderr)
		if code := exitStatus("capture", err, &stderr); code != 2 || !strings.Contains(stderr.String(), "--redact-pattern") {
			t.Errorf("%q: exit %d, %s", expr, code, stderr.String())
		}
	}
	p, err := newValuePattern(`(?i)bearer (?P<bearer>\S+)|token=(\w+)`)
	if err != nil || p.group != 1 || p.placeholder != "<redacted:bearer>" {
		t.Errorf("newValuePattern = %+v, %v", p, err)
	}
}

// FuzzCaptureRedactText checks the built-in patterns on any text: no
// panic, no match left, and redacting again changes nothing.
func FuzzCaptureRedactText(f *testing.F) {
	for _, s := range []string{"", "LTAI5tAbCdEfGhIjKlMnOpQr", "AccessKeySecret=AbCdEfGhIjKlMnOpQrStUvWxYz0123",
		"STS.NUgYrLnoC37mZZCNnAbez2Mhf CAIS" + strings.Repeat("x", 40), "LTAILTAI" + strings.Repeat("1", 30),
		"secret_key: <redacted:access-key-id>", "access-key-secret <redacted:x>AbCdEfGhIjKlMnOpQrStUvWxYz0123"} {
		f.Add(s)
	}
	c := newCaptureRedactor("", true, nil)
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := c.text(s)
		for _, p := range builtinPatterns {
			if m := p.re.FindString(out); m != "" {
				t.Fatalf("text(%q) = %q, holding %q", s, out, m)
			}
		}
		if again, n := c.text(out); n != 0 || again != out {
			t.Fatalf("text(%q) = %q, then %q (%d)", s, out, again, n)
		}
	})
}

// FuzzCaptureRedactPayload checks the redaction of any JSON document: no
// panic, JSON with the same tokens out, no match of a built-in pattern in
// any string decoded from it, and redacting again changes nothing.
func FuzzCaptureRedactPayload(f *testing.F) {
	for _, dir := range []string{"testdata/capture/corpus", "testdata/captured"} {
		payloads, _, err := payloadsFromDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range payloads {
			f.Add(p.data)
		}
	}
	f.Add([]byte(`["TFRBSTV0QWJDZEVmR2hJaktsTW5PcFFy", {"TFRBSTV0QWJDZEVmR2hJaktsTW5PcFFy": "{\"a\":\"STS.NUgYrLnoC37mZZCNnAbez2Mhf\"}"}]`))
	c := newCaptureRedactor("data.body.password", true, nil)
	f.Fuzz(func(t *testing.T, doc []byte) {
		if !json.Valid(doc) {
			return
		}
		out, _ := c.redact(doc)
		leaves, err := captureLeaves(out)
		if err != nil {
			t.Fatalf("redact(%s) = %s, not JSON: %v", doc, out, err)
		}
		in, _ := captureLeaves(doc)
		if len(leaves) > len(in) {
			t.Fatalf("redact(%s) = %s: more tokens", doc, out)
		}
		for _, l := range leaves {
			for _, p := range builtinPatterns {
				if m := p.re.FindString(l); m != "" {
					t.Fatalf("redact(%s) = %s, holding %q", doc, out, m)
				}
			}
		}
		if again, _ := c.redact(out); !bytes.Equal(again, out) {
			t.Fatalf("redact(%s) = %s, then %s", doc, out, again)
		}
	})
}
