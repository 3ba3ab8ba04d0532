package render

import (
	"bytes"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/jsonenc"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

// AppendRequestLine appends the JSON line of a received request for `listen
// --format json`: kind, receivedAt, eventId, eventType, status, verification, scheme and reason
// (when there is one), duplicate, method, path, headers (credentials masked)
// and the event compacted onto the line. It is built by hand because it runs
// for every request under load; a test checks it against encoding/json.
//
// An event that strict parsers refuse (jq 1.6, Python's json), nested deeper
// than event.MaxJSONDepth or with the escape of a lone surrogate, is decoded
// and encoded again: key order kept, a lone surrogate turned into \ufffd.
// One too deep (or too large) for that is "event":null, and its body, as it
// came, is the string "body".
func AppendRequestLine(dst []byte, r receiver.Request) []byte {
	var id, typ string
	var ev []byte // the event: the body, when it parsed as one
	var shape event.Shape
	if r.Event != nil {
		id, typ, ev, shape = r.Event.ID, r.Event.Type, r.Body, r.Event.Shape
	}
	if dst == nil {
		dst = make([]byte, 0, len(r.Body)+256+64*len(r.Header))
	}
	dst = append(dst, `{"kind":"request","receivedAt":"`...)
	dst = r.ReceivedAt.UTC().AppendFormat(dst, time.RFC3339Nano) // digits and -:.TZ, nothing to escape
	dst = append(dst, '"')
	dst = append(dst, `,"eventId":`...)
	dst = jsonenc.AppendString(dst, id)
	dst = append(dst, `,"eventType":`...)
	dst = jsonenc.AppendString(dst, typ)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	dst = append(dst, `,"verification":`...)
	dst = jsonenc.AppendString(dst, r.Verification)
	if r.Scheme != "" {
		dst = append(dst, `,"scheme":`...)
		dst = jsonenc.AppendString(dst, r.Scheme)
	}
	if r.Reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = jsonenc.AppendString(dst, r.Reason)
	}
	dst = append(dst, `,"duplicate":`...)
	dst = strconv.AppendBool(dst, r.Duplicate)
	dst = append(dst, `,"method":`...)
	dst = jsonenc.AppendString(dst, r.Method)
	dst = append(dst, `,"path":`...)
	dst = jsonenc.AppendString(dst, r.Path)
	dst = append(dst, `,"headers":{`...)
	var onStack [16]string
	keys := onStack[:0]
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonenc.AppendString(dst, k)
		dst = append(dst, ':')
		dst = jsonenc.AppendString(dst, HeaderValue(r.Header, k))
	}
	dst = append(dst, `},"event":`...)
	if shape.Depth > event.MaxJSONDepth || shape.LoneSurrogate {
		return append(appendStrictEvent(dst, ev), "}\n"...)
	}
	return append(appendEvent(dst, ev), "}\n"...)
}

// appendStrictEvent appends an event that strict parsers refuse, encoded
// again, or null and the body as a string when it cannot be.
func appendStrictEvent(dst, ev []byte) []byte {
	if v, err := event.DecodeJSON(ev); err == nil {
		if again, err := event.EncodeJSON(v); err == nil {
			return append(dst, bytes.TrimSuffix(again, []byte("\n"))...)
		}
	}
	dst = append(dst, `null,"body":`...)
	return jsonenc.AppendString(dst, string(ev))
}

// appendEvent appends the body compacted onto the line, or null when there
// is none. The body parsed as an event, so it is JSON (the event scanner is
// fuzzed against json.Valid).
// Bytes that are not UTF-8 can only be inside its strings, where they become
// \ufffd, as encoding/json writes them: every line is then valid JSON for
// strict parsers.
func appendEvent(dst, ev []byte) []byte {
	if ev == nil {
		return append(dst, "null"...)
	}
	start := len(dst)
	dst = appendCompact(dst, ev)
	if utf8.Valid(dst[start:]) {
		return dst
	}
	compact := append([]byte(nil), dst[start:]...)
	dst = dst[:start]
	for i := 0; i < len(compact); {
		r, size := utf8.DecodeRune(compact[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, compact[i:i+size]...)
		}
		i += size
	}
	return dst
}

// appendCompact appends valid JSON without the spaces, tabs and line breaks
// between its tokens: what json.Compact makes of it, without checking it
// again byte by byte (json.Compact was a tenth of listen's CPU under load).
func appendCompact(dst, valid []byte) []byte {
	for i := 0; i < len(valid); {
		switch c := valid[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			end := stringEnd(valid, i+1)
			dst = append(dst, valid[i:end]...)
			i = end
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// stringEnd is the index just past the closing quote of the JSON string
// whose contents start at i, or len(b) when it has none.
func stringEnd(b []byte, i int) int {
	for {
		quote := bytes.IndexByte(b[i:], '"')
		if quote < 0 {
			return len(b)
		}
		escape := bytes.IndexByte(b[i:i+quote], '\\')
		if escape < 0 {
			return i + quote + 1
		}
		i += escape + 2 // a backslash and the character it escapes
		if i >= len(b) {
			return len(b)
		}
	}
}
