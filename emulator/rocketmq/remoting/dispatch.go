package remoting

import (
	"fmt"
)

// dispatch serves one request; nil means no response.
func (s *Server) dispatch(c *conn, req *Command) *Command {
	if deny := s.authenticate(req); deny != nil {
		s.log.Warn("remoting: request refused", "code", req.Code, "remote", c.nc.RemoteAddr().String(), "reason", deny.Remark)
		return deny
	}
	ctx := c.ctx
	switch req.Code {
	case reqGetRouteInfoByTopic:
		return s.routeInfo(req)
	case reqGetBrokerClusterInfo:
		return s.clusterInfo()
	case reqGetAllTopicList:
		return s.topicList()
	case reqSendMessage, reqSendMessageV2, reqSendBatchMessage:
		return s.sendMessage(ctx, req)
	case reqPullMessage:
		return s.pullMessage(ctx, req)
	case reqQueryConsumerOffset:
		return s.queryConsumerOffset(req)
	case reqUpdateConsumerOffset:
		return s.updateConsumerOffset(req)
	case reqGetMaxOffset, reqGetMinOffset, reqSearchOffsetByTimestamp:
		return s.queueOffsets(req)
	case reqHeartbeat:
		return s.heartbeat(c, req)
	case reqUnregisterClient:
		return s.unregister(req)
	case reqGetConsumerListByGroup:
		return s.consumerList(req)
	case reqLockBatchMQ:
		return s.lockQueues(req)
	case reqUnlockBatchMQ:
		return s.unlockQueues(req)
	case reqEndTransaction:
		return s.endTransaction(ctx, req)
	case reqConsumerSendMsgBack:
		return s.sendBack(ctx, req)
	}
	return response(codeRequestNotSupported, fmt.Sprintf(" request type %d not supported", req.Code))
}
