package fn

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// Content types of the CloudEvents HTTP binding's structured and batch modes.
const (
	ContentTypeCloudEvent      = "application/cloudevents+json"
	ContentTypeCloudEventBatch = "application/cloudevents-batch+json"
)

// ceFormatPrefix starts the media type of every CloudEvents event format.
const ceFormatPrefix = "application/cloudevents"

// ceMode is how a request carries CloudEvents.
type ceMode int

const (
	ceNone        ceMode = iota // not a CloudEvent
	ceBinary                    // attributes in ce-* headers, data in the body
	ceStructured                // one event or a batch, in the JSON format
	ceUnsupported               // an event format other than JSON
)

// cloudEvent serves the CloudEvents HTTP binding. Structured and batch
// bodies are payloads like the ones FC delivers; a binary-mode event has
// its attributes in ce-* headers and its data in the body. As the binding
// requires, a CloudEvents content type makes a request structured even
// when it also has ce-* headers.
//
// The invocation's request ID is the event's id (the ce-id header, or the
// id of a structured event); a batch has none.
//
// Answers: 200 with the response body (204 when there is none); 400 for a
// request that is not a CloudEvent or is malformed, 413 when too large,
// 415 for an event format other than JSON; 500 when messages failed, 504
// past the deadline, each with the InvokeError JSON, so that senders retry
// what can succeed.
func (h *HTTPHandler) cloudEvent(w http.ResponseWriter, r *http.Request) {
	mode := requestMode(r.Header)
	if mode == ceNone || mode == ceUnsupported {
		refuse(w, r, mode)
		return
	}
	inv := &Invocation{RequestID: r.Header.Get("ce-id"), Platform: "cloudevents"}
	ctx, cancel := invocationContext(r.Context(), inv)
	defer cancel()
	app := h.App
	app.seal()
	start := app.now()
	body, err := readBody(ctx, r, w, app.cfg.decoder.MaxPayload)
	var out []byte
	switch {
	case err != nil:
		out, err = app.finish(ctx, start, event.Payload{}, err)
	case mode == ceBinary:
		attrs := binaryAttributes(r.Header)
		p, derr := app.cfg.decoder.DecodeData(attrs, body)
		if derr == nil {
			derr = checkSpecVersion(attrs.SpecVersion)
		}
		out, err = app.finish(ctx, start, p, derr)
	default:
		p, derr := app.cfg.decoder.DecodeOwned(body)
		if derr == nil && !p.Batch && len(p.Messages) == 1 {
			inv.RequestID = p.Messages[0].Event.ID
		}
		out, err = app.finish(ctx, start, p, derr)
	}
	writeCloudEventOutcome(w, out, err)
}

// writeCloudEventOutcome answers with the response body or the error.
func writeCloudEventOutcome(w http.ResponseWriter, out []byte, err error) {
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ceStatus(err))
		w.Write(errorBody(err))
		return
	}
	if len(out) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

// requestMode tells how a request carries CloudEvents, from its headers.
func requestMode(h http.Header) ceMode {
	switch mt := mediaType(h.Get("Content-Type")); {
	case mt == ContentTypeCloudEvent || mt == ContentTypeCloudEventBatch:
		return ceStructured
	case strings.HasPrefix(mt, ceFormatPrefix):
		return ceUnsupported
	case h.Get("ce-specversion") != "":
		return ceBinary
	}
	return ceNone
}

// mediaType returns the lower-case media type of a Content-Type header,
// without parameters, even when the parameters do not parse.
func mediaType(ct string) string {
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// refuse answers a request that is not a CloudEvent rocketfn can decode.
func refuse(w http.ResponseWriter, r *http.Request, mode ceMode) {
	if mode == ceUnsupported {
		http.Error(w, "rocketfn: unsupported CloudEvents format "+strconv.Quote(mediaType(r.Header.Get("Content-Type")))+
			"; send "+ContentTypeCloudEvent+", "+ContentTypeCloudEventBatch+" or a binary-mode event",
			http.StatusUnsupportedMediaType)
		return
	}
	http.Error(w, "rocketfn: not a CloudEvent: no ce-specversion header and content type is not "+
		ContentTypeCloudEvent+" or "+ContentTypeCloudEventBatch+"; Function Compute invocations go to POST /invoke",
		http.StatusBadRequest)
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

// checkSpecVersion refuses the CloudEvents versions that structured
// payloads may not have either.
func checkSpecVersion(v string) error {
	if v == "1.0" || v == "0.3" {
		return nil
	}
	return fmt.Errorf("%w: unsupported CloudEvents specversion %q in the ce-specversion header (want 1.0)", event.ErrMalformed, v)
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
