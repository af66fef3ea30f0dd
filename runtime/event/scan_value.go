package event

import "github.com/rocketfn/rocketfn/runtime/internal/jsonlex"

// skip reads and validates any JSON value without keeping it, and returns
// its raw bytes. Strings inside are validated but not unescaped, so the raw
// bytes stay valid JSON.
func (s *scanner) skip() []byte {
	if s.err != nil {
		return nil
	}
	start := jsonlex.SkipSpace(s.buf, s.pos)
	end, err := jsonlex.Skip(s.buf, start, maxDepth, true)
	if err != nil {
		s.failAt(err.Offset, err.Msg)
		return nil
	}
	s.pos = end
	return s.buf[start:end:end]
}

// lit consumes the literal word (true, false or null) at pos.
func (s *scanner) lit(word string) {
	if len(s.buf)-s.pos < len(word) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		s.fail("invalid literal, expected " + word)
		return
	}
	s.pos += len(word)
}
