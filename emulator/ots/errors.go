package ots

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes the server answers with, as the service names them.
const (
	CodeParameterInvalid     = "OTSParameterInvalid"
	CodeAuthFailed           = "OTSAuthFailed"
	CodeConditionCheckFail   = "OTSConditionCheckFail"
	CodeObjectNotExist       = "OTSObjectNotExist"
	CodeObjectAlreadyExist   = "OTSObjectAlreadyExist"
	CodeRowOperationConflict = "OTSRowOperationConflict"
	CodeRequestBodyTooLarge  = "OTSRequestBodyTooLarge"
	CodeMethodNotAllowed     = "OTSMethodNotAllowed"
	CodeUnsupportOperation   = "OTSUnsupportOperation"
	CodeQuotaExhausted       = "OTSQuotaExhausted"
	CodeServerBusy           = "OTSServerBusy"
	CodeTimeout              = "OTSTimeout"
	CodeInternalServerError  = "OTSInternalServerError"
	CodeServerUnavailable    = "OTSServerUnavailable"
	CodeOutOfColumnCount     = "OTSOutOfColumnCountLimit"
	CodeTrimmedDataAccess    = "OTSTrimmedDataAccess"
)

// statusOf is the HTTP status the service pairs with each code.
var statusOf = map[string]int{
	CodeParameterInvalid:     http.StatusBadRequest,
	CodeAuthFailed:           http.StatusForbidden,
	CodeConditionCheckFail:   http.StatusForbidden,
	CodeObjectNotExist:       http.StatusNotFound,
	CodeObjectAlreadyExist:   http.StatusConflict,
	CodeRowOperationConflict: http.StatusConflict,
	CodeRequestBodyTooLarge:  http.StatusRequestEntityTooLarge,
	CodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	CodeUnsupportOperation:   http.StatusBadRequest,
	CodeQuotaExhausted:       http.StatusForbidden,
	CodeServerBusy:           http.StatusServiceUnavailable,
	CodeTimeout:              http.StatusServiceUnavailable,
	CodeInternalServerError:  http.StatusInternalServerError,
	CodeServerUnavailable:    http.StatusServiceUnavailable,
	CodeOutOfColumnCount:     http.StatusBadRequest,
	CodeTrimmedDataAccess:    http.StatusBadRequest,
}

// Error is a Tablestore error: a code and a message, answered with the
// HTTP status the service uses for the code.
type Error struct {
	Code    string
	Message string
	status  int // overrides the code's status; with an empty Code, a bare HTTP error
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status for e's code.
func (e *Error) Status() int {
	if e.status != 0 {
		return e.status
	}
	if s, ok := statusOf[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) *Error {
	return errorf(CodeParameterInvalid, format, args...)
}

// asError turns any error into the Error answered for it: storage and other
// internal failures become OTSInternalServerError.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return errorf(CodeInternalServerError, "internal error: %v", err)
}

var (
	errConditionCheck = errorf(CodeConditionCheckFail, "Condition check failed.")
)

func tableNotExist(name string) *Error {
	return errorf(CodeObjectNotExist, "Requested table does not exist: %q.", name)
}
