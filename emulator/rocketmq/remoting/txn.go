package remoting

import (
	"context"
	"strconv"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Transaction states of END_TRANSACTION's commitOrRollback.
const (
	transNotType  = 0
	transCommit   = 8
	transRollback = 12
)

// endTransaction serves END_TRANSACTION: commit (8) or roll back (12) the
// half message of a transaction ID; 0 (unknown) leaves it to be checked.
// Producers send it oneway, so a refusal is only logged.
func (s *Server) endTransaction(ctx context.Context, req *Command) *Command {
	h := ext(req.ExtFields)
	state, err := h.int("commitOrRollback")
	if err != nil {
		return response(codeSystemError, err.Error())
	}
	if state == transNotType {
		return ok()
	}
	if state != transCommit && state != transRollback {
		return response(codeSystemError, "commitOrRollback "+strconv.FormatInt(state, 10)+" is not 0, 8 or 12")
	}
	handle, full, found := parseTransactionID(h["transactionId"])
	if !found {
		s.log.Warn("remoting: end transaction with a transaction ID this broker did not give", "transaction_id", h["transactionId"], "msg_id", h["msgId"])
		return response(codeSystemError, "transactionId "+strconv.Quote(h["transactionId"])+" was not given by this broker")
	}
	instance, topic := splitName(full)
	_, group := splitName(h["producerGroup"])
	if state == transCommit {
		err = s.b.Commit(ctx, instance, topic, group, handle)
	} else {
		err = s.b.Rollback(ctx, instance, topic, group, handle)
	}
	if err != nil {
		s.log.Warn("remoting: end transaction refused", "topic", full, "msg_id", h["msgId"], "commit", state == transCommit, "error", err)
		return errorResponse(err, codeSystemError)
	}
	return ok()
}

// checkTransactions asks producers for the state of the half messages
// whose check time has come (CHECK_TRANSACTION_STATE), on a connection of
// the group that sent each (PGROUP). A message whose group has no
// connected producer is offered again after the broker's
// HalfCheckInterval.
func (s *Server) checkTransactions() {
	groups := s.clients.producerGroups()
	if len(groups) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, g := range groups {
		inst, _ := splitName(g)
		if seen[inst] {
			continue
		}
		seen[inst] = true
		topics, err := s.b.Topics(inst)
		if err != nil {
			continue
		}
		for _, t := range topics {
			s.checkTopic(inst, t, groups)
		}
	}
}

func (s *Server) checkTopic(instance, topic string, groups []string) {
	ds, err := s.b.ConsumeHalf(context.Background(), broker.ConsumeRequest{Instance: instance, Topic: topic, Max: broker.MaxBatch, ProducerGroups: groups})
	if err != nil {
		return
	}
	full := joinName(instance, topic)
	for i := range ds {
		d := &ds[i]
		group := d.Properties[propProducerGroup]
		c := s.clients.producerConn(group)
		if c == nil {
			continue
		}
		txID := transactionID(d.ReceiptHandle, full)
		m := d.Message
		m.Properties = cloneWith(m.Properties, propTransactionID, txID)
		body, err := s.appendDelivered(nil, &m, full)
		if err != nil {
			s.log.Warn("remoting: encoding a transaction check", "topic", full, "error", err)
			continue
		}
		phys := s.physicalOffset(instance, topic, m.QueueID, 0)
		hdr := map[string]string{
			"tranStateTableOffset": "0",
			"commitLogOffset":      strconv.FormatInt(phys, 10),
			"msgId":                m.ID,
			"transactionId":        txID,
			"offsetMsgId":          s.offsetMsgID(phys),
		}
		if err := c.send(reqCheckTransactionState, hdr, body, SerializeJSON); err != nil {
			s.log.Debug("remoting: sending a transaction check", "group", group, "error", err)
		}
	}
}

func cloneWith(p map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(p)+1)
	for pk, pv := range p {
		out[pk] = pv
	}
	out[k] = v
	return out
}
