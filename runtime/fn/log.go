package fn

import (
	"context"
	"log/slog"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// Keys of the attributes the runtime logs.
const (
	LogRequestID = "request_id"
	LogMessageID = "message_id"
)

// LogHandler wraps h so that records logged with a context from a handler
// carry the request ID and the message ID:
//
//	slog.SetDefault(slog.New(fn.LogHandler(slog.NewJSONHandler(os.Stdout, nil))))
//	...
//	slog.InfoContext(ctx, "order stored") // {"msg":"order stored","request_id":"...","message_id":"..."}
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if inv, ok := FromContext(ctx); ok && inv.RequestID != "" {
		r.AddAttrs(slog.String(LogRequestID, inv.RequestID))
	}
	if m, ok := MessageFromContext(ctx); ok {
		r.AddAttrs(slog.String(LogMessageID, m.ID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(as)}
}
func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }

// Hooks are functions an App calls as work completes, for metrics. Each
// may be nil. They are called from the goroutines handling messages, so
// they must be safe for concurrent use.
type Hooks struct {
	// MessageDone is called after each message, with its handler's error.
	MessageDone func(ctx context.Context, m *event.Message, d time.Duration, err error)
	// InvocationDone is called after each invocation.
	InvocationDone func(ctx context.Context, s Stats)
}

// Stats summarise an invocation.
type Stats struct {
	Messages int           // messages and undecodable batch elements
	Failed   int           // of which failed
	Duration time.Duration // from the start of decoding to the response
	Err      error         // the invocation's error, if it failed
}

// logFailure logs a failed message with what identifies it.
func (a *App) logFailure(ctx context.Context, f Failure) {
	attrs := []slog.Attr{
		slog.String(LogMessageID, f.MessageID), slog.Int("index", f.Index),
		slog.String("topic", f.Topic), slog.String("tag", f.Tag), slog.String("error", f.Error),
	}
	if f.Stack != "" {
		attrs = append(attrs, slog.String("stack", f.Stack))
	}
	a.cfg.logger.LogAttrs(ctx, slog.LevelError, "message failed", attrs...)
}
