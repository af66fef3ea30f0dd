package remoting

import (
	"errors"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Request codes (RequestCode of Apache RocketMQ).
const (
	reqSendMessage             = 10
	reqPullMessage             = 11
	reqQueryConsumerOffset     = 14
	reqUpdateConsumerOffset    = 15
	reqSearchOffsetByTimestamp = 29
	reqGetMaxOffset            = 30
	reqGetMinOffset            = 31
	reqHeartbeat               = 34
	reqUnregisterClient        = 35
	reqConsumerSendMsgBack     = 36
	reqEndTransaction          = 37
	reqGetConsumerListByGroup  = 38
	reqCheckTransactionState   = 39
	reqNotifyConsumerIdsChange = 40
	reqLockBatchMQ             = 41
	reqUnlockBatchMQ           = 42
	reqGetRouteInfoByTopic     = 105
	reqGetBrokerClusterInfo    = 106
	reqGetAllTopicList         = 206
	reqSendMessageV2           = 310
	reqSendBatchMessage        = 320
)

// Response codes (ResponseCode and RemotingSysResponseCode).
const (
	codeSuccess                = 0
	codeSystemError            = 1
	codeRequestNotSupported    = 3
	codeMessageIllegal         = 13
	codeServiceNotAvailable    = 14
	codeNoPermission           = 16
	codeTopicNotExist          = 17
	codePullNotFound           = 19
	codePullRetryImmediately   = 20
	codePullOffsetMoved        = 21
	codeQueryNotFound          = 22
	codeSubscriptionParseFail  = 23
	codeSubscriptionGroupNotEx = 26
)

// errorResponse maps a broker error to the response an Apache broker
// gives for the same fault; illegal is the code for invalid arguments
// (MESSAGE_ILLEGAL when sending, SYSTEM_ERROR elsewhere).
func errorResponse(err error, illegal int16) *Command {
	switch {
	case errors.Is(err, broker.ErrTopicNotExist):
		return response(codeTopicNotExist, err.Error())
	case errors.Is(err, broker.ErrGroupNotExist):
		return response(codeSubscriptionGroupNotEx, err.Error())
	case errors.Is(err, broker.ErrInvalidArgument), errors.Is(err, broker.ErrBodyTooLarge):
		return response(illegal, err.Error())
	case errors.Is(err, broker.ErrClosed):
		return response(codeServiceNotAvailable, err.Error())
	}
	return response(codeSystemError, err.Error())
}
