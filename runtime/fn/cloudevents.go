package fn

import (
	"errors"
	"mime"
	"net/http"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// Content types of the CloudEvents HTTP binding's structured and batch modes.
const (
	ContentTypeCloudEvent      = "application/cloudevents+json"
	ContentTypeCloudEventBatch = "application/cloudevents-batch+json"
)

// cloudEvent serves the CloudEvents HTTP binding. Structured and batch
// bodies are payloads like the ones FC delivers; a binary-mode event has
// its attributes in ce-* headers and its data in the body.
//
// Answers: 200 with the response body (204 when there is none); 400 for a
// request that is not a CloudEvent or is malformed, 413 when too large;
// 500 when messages failed, 504 past the deadline, each with the
// InvokeError JSON, so that senders retry what can succeed.
func (h *HTTPHandler) cloudEvent(w http.ResponseWriter, r *http.Request) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	binary := r.Header.Get("ce-specversion") != ""
	if !binary && mediaType != ContentTypeCloudEvent && mediaType != ContentTypeCloudEventBatch {
		http.Error(w, "rocketfn: not a CloudEvent: no ce-specversion header and content type is not "+
			ContentTypeCloudEvent+" or "+ContentTypeCloudEventBatch+"; Function Compute invocations go to POST /invoke",
			http.StatusBadRequest)
		return
	}
	inv := &Invocation{RequestID: r.Header.Get("ce-id"), Platform: "cloudevents"}
	ctx, cancel := invocationContext(r.Context(), inv)
	defer cancel()
	app := h.App
	app.seal()
	start := app.now()
	body, err := readBody(r, w, app.cfg.decoder.MaxPayload)
	var out []byte
	switch {
	case err != nil:
		err = payloadError(err)
	case binary:
		p, derr := app.cfg.decoder.DecodeData(binaryAttributes(r.Header), body)
		out, err = app.finish(ctx, start, p, derr)
	default:
		out, err = app.invokeOwned(ctx, body)
	}
	if err != nil {
		body := errorBody(err)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ceStatus(err))
		w.Write(body)
		return
	}
	if len(out) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

// binaryAttributes reads the attributes of a binary-mode CloudEvent.
func binaryAttributes(h http.Header) event.CloudEvent {
	var ce event.CloudEvent
	for name, values := range h {
		if attr, ok := ceAttribute(name); ok && len(values) > 0 {
			ce.Set(attr, values[0])
		}
	}
	ce.DataContentType = h.Get("Content-Type")
	return ce
}

func ceStatus(err error) int {
	var ie *InvokeError
	if !errors.As(err, &ie) {
		return http.StatusInternalServerError
	}
	switch {
	case ie.Type == ErrorMalformedPayload && errors.Is(ie.err, event.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case ie.Type == ErrorMalformedPayload:
		return http.StatusBadRequest
	case ie.Type == ErrorDeadlineExceeded:
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

// payloadError is the invocation error for a body that could not be read.
func payloadError(err error) *InvokeError {
	return &InvokeError{Type: ErrorMalformedPayload, Message: err.Error(), err: err}
}
