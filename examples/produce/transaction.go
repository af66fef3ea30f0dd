package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// checkImmunity is the TransCheckImmunityTime of the half messages, in
// seconds (10 to 300): how long the producer has to commit or roll back
// with the publish's receipt handle before the server asks through the
// check-back.
const checkImmunity = 10

// checkWait is the long poll of each check-back request, in seconds.
const checkWait = 5

// outcome is how a message's local transaction ended.
type outcome string

const (
	committed  outcome = "committed"   // the transaction succeeded: Commit
	rolledBack outcome = "rolled back" // it failed: Rollback
	unknown    outcome = "unknown"     // no answer yet: leave it to the check-back
)

// localTransaction stands for the work a transactional message announces
// (say, an order written to a database). Here message n is committed when
// n%3 == 1, rolled back when n%3 == 2, and left unresolved when n%3 == 0,
// as if the producer had stopped before it knew.
func localTransaction(n int) outcome {
	return [...]outcome{unknown, committed, rolledBack}[n%3]
}

// publishHalf publishes a half message: TransCheckImmunityTime makes it
// transactional and invisible to consumers until it is committed. The
// answer's ReceiptHandle commits or rolls it back within the immunity
// time.
func publishHalf(tp mq.MQTransProducer, m message) (mq.PublishMessageResponse, error) {
	return tp.PublishMessage(mq.PublishMessageRequest{
		MessageBody:            m.body,
		TransCheckImmunityTime: checkImmunity,
		Properties:             m.props,
	})
}

// runTransactional shows the whole flow of transactional messages:
//
//  1. publish a half message (publishHalf);
//  2. run the local transaction (localTransaction);
//  3. resolve the half message at once with the publish's receipt handle:
//     Commit delivers it to consumers, Rollback discards it;
//  4. for the half messages left unresolved, the server starts a
//     check-back once their immunity time has passed: ConsumeHalfMessage
//     offers each with a new receipt handle, the producer looks up its
//     local transaction and commits or rolls back with that handle
//     (checkBack). Unresolved, a message is offered again about every
//     10 s, for up to a day.
//
// It returns once every message of this run is resolved.
func runTransactional(ctx context.Context, tp mq.MQTransProducer, o options, out io.Writer) error {
	pending := map[string]int{} // message ID -> n, for the check-back
	for n := 1; n <= o.n; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped after %d of %d messages: %w", n-1, o.n, err)
		}
		resp, err := publishHalf(tp, o.message(n))
		if err != nil {
			return fmt.Errorf("publish half message %d to topic %s: %w", n, tp.TopicName(), err)
		}
		result := localTransaction(n)
		fmt.Fprintf(out, "published half message %d: id=%s; local transaction %s\n", n, resp.MessageId, result)
		if err := resolve(tp, resp.ReceiptHandle, result, out); err != nil {
			return fmt.Errorf("half message %d (%s): %w", n, resp.MessageId, err)
		}
		if result == unknown {
			pending[resp.MessageId] = n
		}
	}
	if len(pending) == 0 {
		return nil
	}
	fmt.Fprintf(out, "waiting for the check-back of the unresolved half messages (%d), which starts %d s after publishing\n",
		len(pending), checkImmunity)
	return checkBack(ctx, tp, pending, out)
}

// resolve commits or rolls back a half message with handle according to
// result; an unknown result leaves it alone.
func resolve(tp mq.MQTransProducer, handle string, result outcome, out io.Writer) error {
	var err error
	switch result {
	case committed:
		err = tp.Commit(handle)
	case rolledBack:
		err = tp.Rollback(handle)
	default:
		return nil
	}
	if err != nil {
		printAckErrors(out, err)
		return fmt.Errorf("%s: %w", result, err)
	}
	return nil
}

// checkBack answers the server's check-back until no message of pending
// is left: each half message offered has its local transaction looked up
// and is resolved with the receipt handle of the offer. Here a message's
// transaction has finished successfully by the time it is checked, so it
// is committed; half messages of earlier runs left unresolved are too.
func checkBack(ctx context.Context, tp mq.MQTransProducer, pending map[string]int, out io.Writer) error {
	for len(pending) > 0 {
		resp, err := mqclient.Receive(ctx, func(respc chan mq.ConsumeMessageResponse, errc chan error) {
			tp.ConsumeHalfMessage(respc, errc, 16, checkWait)
		})
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("check-back: %d half messages unresolved: %w", len(pending), ctx.Err())
		case err != nil && strings.Contains(err.Error(), "MessageNotExist"):
			continue // nothing to check yet
		case err != nil:
			return fmt.Errorf("check-back of topic %s, group %s: %w", tp.TopicName(), tp.GroupId(), err)
		}
		for _, half := range resp.Messages {
			fmt.Fprintf(out, "check-back of half message %s (n=%s, offer %d): local transaction %s\n",
				half.MessageId, half.Properties["n"], half.ConsumedTimes, committed)
			if err := resolve(tp, half.ReceiptHandle, committed, out); err != nil {
				return fmt.Errorf("check-back of half message %s: %w", half.MessageId, err)
			}
			delete(pending, half.MessageId)
		}
	}
	return nil
}

// printAckErrors prints the per-handle failures of a failed Commit or
// Rollback.
func printAckErrors(out io.Writer, err error) {
	for _, item := range mqclient.AckErrors(err) {
		fmt.Fprintf(out, "\thandle %s: %s %s\n", item.ErrorHandle, item.ErrorCode, item.ErrorMsg)
	}
}
