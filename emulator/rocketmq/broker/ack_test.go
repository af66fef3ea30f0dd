package broker

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRedeliveryAfterInvisibleTime(t *testing.T) {
	b, clock := newTestBroker(t, Config{InvisibleTime: 30 * time.Second})
	publishBodies(t, b, "T", "m")
	first := mustConsume(t, b, ConsumeRequest{})
	clock.Advance(30*time.Second - time.Millisecond)
	if ds := mustConsume(t, b, ConsumeRequest{}); len(ds) != 0 {
		t.Fatalf("redelivered before NextConsumeTime: %q", bodies(ds))
	}
	clock.Advance(time.Millisecond)
	second := mustConsume(t, b, ConsumeRequest{})
	wantBodies(t, second, "m")
	d1, d2 := first[0], second[0]
	if d2.ID != d1.ID || d2.ConsumedTimes != 2 || d2.FirstConsumeTime != d1.FirstConsumeTime ||
		d2.NextConsumeTime != clock.Ms()+30_000 || d2.ReceiptHandle == d1.ReceiptHandle {
		t.Fatalf("redelivery = %+v after %+v", d2, d1)
	}
	failed, err := b.Ack(ctx, "", "T", "GID-a", []string{d1.ReceiptHandle, d2.ReceiptHandle})
	if err != nil || len(failed) != 1 || failed[0].Code != CodeMessageNotExist || failed[0].Handle != d1.ReceiptHandle {
		t.Fatalf("ack of old and new handle: %v %+v", err, failed)
	}
	if s := b.Stats(); s.Delivered != 2 || s.Acked != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestAckHandleErrors(t *testing.T) {
	b, clock := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "1", "2", "3")
	ds := mustConsume(t, b, ConsumeRequest{})
	other := mustConsume(t, b, ConsumeRequest{Group: "GID-other", Max: 1})
	half := mustPublish(t, b, Message{Topic: "T", Body: []byte("h"), TransCheckImmunity: 10})

	h := ds[0].ReceiptHandle
	flipped := []byte(h)
	flipped[10] ^= 1
	if flipped[10] == '-' || flipped[10] == '_' {
		flipped[10] = 'A'
	}
	cases := []struct {
		name, handle, code string
	}{
		{"valid", ds[0].ReceiptHandle, ""},
		{"used twice", ds[0].ReceiptHandle, CodeMessageNotExist},
		{"garbage", "not-a-handle", CodeReceiptHandleError},
		{"empty", "", CodeReceiptHandleError},
		{"corrupted", string(flipped), CodeReceiptHandleError},
		{"truncated", h[:len(h)-1], CodeReceiptHandleError},
		{"padded", h + "=", CodeReceiptHandleError},
		{"non-ascii", strings.Repeat("é", 22), CodeReceiptHandleError},
		{"other group", other[0].ReceiptHandle, CodeReceiptHandleError},
		{"half message", half.ReceiptHandle, CodeReceiptHandleError},
		{"valid too", ds[1].ReceiptHandle, ""},
	}
	var hs []string
	for _, c := range cases {
		hs = append(hs, c.handle)
	}
	failed, err := b.Ack(ctx, "", "T", "GID-a", hs)
	if err != nil {
		t.Fatal(err)
	}
	var want []HandleError
	for _, c := range cases {
		if c.code != "" {
			want = append(want, HandleError{Handle: c.handle, Code: c.code})
		}
	}
	if len(failed) != len(want) {
		t.Fatalf("%d failures, want %d: %+v", len(failed), len(want), failed)
	}
	for i := range want {
		if failed[i].Handle != want[i].Handle || failed[i].Code != want[i].Code || failed[i].Message == "" {
			t.Errorf("failure %d = %+v, want code %s", i, failed[i], want[i].Code)
		}
	}

	clock.Advance(DefaultInvisibleTime)
	failed, err = b.Ack(ctx, "", "T", "GID-a", []string{ds[2].ReceiptHandle})
	if err != nil || len(failed) != 1 || failed[0].Code != CodeMessageNotExist || !strings.Contains(failed[0].Message, "expired") {
		t.Fatalf("ack at NextConsumeTime: %v %+v", err, failed)
	}
	if _, err := b.Ack(ctx, "", "T", "GID-a", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("ack without handles: %v", err)
	}
}

func TestAckUnknownSubscription(t *testing.T) {
	b, _ := newTestBroker(t, Config{})
	publishBodies(t, b, "T", "1")
	ds := mustConsume(t, b, ConsumeRequest{})
	failed, err := b.Ack(ctx, "", "Nowhere", "GID-a", handles(ds))
	if err != nil || len(failed) != 1 || failed[0].Code != CodeReceiptHandleError {
		t.Fatalf("ack on another topic: %v %+v", err, failed)
	}
}

func TestHandleErrorText(t *testing.T) {
	e := &HandleError{Handle: strings.Repeat("x", 100), Code: CodeMessageNotExist, Message: "expired"}
	if s := e.Error(); !strings.Contains(s, "MessageNotExist") || !strings.Contains(s, "expired") || len(s) > 150 {
		t.Errorf("Error() = %q", s)
	}
}

func FuzzParseHandle(f *testing.F) {
	f.Add(handle{kind: handleDelivery, scope: 1, seq: 2, nonce: 3, expires: 4}.String())
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseHandle(s, handleDelivery)
		if err == nil && h.String() != s {
			t.Fatalf("accepted %q, which re-encodes as %q", s, h.String())
		}
		if err != nil && err.Code != CodeReceiptHandleError {
			t.Fatalf("code %q", err.Code)
		}
	})
}
