package render

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

// AppendRequestLine appends the JSON line of a received request for `listen
// --format json`: kind, receivedAt, id, type, status, verification, scheme and reason
// (when there is one), duplicate, method, path, headers (credentials masked)
// and the event compacted onto the line. It is built by hand because it runs
// for every request under load; a test checks it against encoding/json.
func AppendRequestLine(dst []byte, r receiver.Request) []byte {
	var id, typ string
	var ev []byte
	if r.Event != nil {
		id, typ, ev = r.Event.ID, r.Event.Type, r.Body
	}
	if dst == nil {
		dst = make([]byte, 0, len(r.Body)+256+64*len(r.Header))
	}
	dst = append(dst, `{"kind":"request","receivedAt":"`...)
	dst = r.ReceivedAt.UTC().AppendFormat(dst, time.RFC3339Nano) // digits and -:.TZ, nothing to escape
	dst = append(dst, '"')
	dst = append(dst, `,"id":`...)
	dst = appendJSONString(dst, id)
	dst = append(dst, `,"type":`...)
	dst = appendJSONString(dst, typ)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	dst = append(dst, `,"verification":`...)
	dst = appendJSONString(dst, r.Verification)
	if r.Scheme != "" {
		dst = append(dst, `,"scheme":`...)
		dst = appendJSONString(dst, r.Scheme)
	}
	if r.Reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = appendJSONString(dst, r.Reason)
	}
	dst = append(dst, `,"duplicate":`...)
	dst = strconv.AppendBool(dst, r.Duplicate)
	dst = append(dst, `,"method":`...)
	dst = appendJSONString(dst, r.Method)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, r.Path)
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
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, HeaderValue(r.Header, k))
	}
	dst = append(dst, `},"event":`...)
	switch {
	case ev == nil:
		dst = append(dst, "null"...)
	case !bytes.ContainsAny(ev, "\n\r\t "):
		// Already compact: valid JSON (the body parsed) with nothing to take out.
		dst = append(dst, ev...)
	default:
		var compact bytes.Buffer
		if json.Compact(&compact, ev) != nil {
			compact.Reset()
			compact.WriteString("null")
		}
		dst = append(dst, compact.Bytes()...)
	}
	return append(dst, "}\n"...)
}

// appendJSONString quotes s as encoding/json does with HTML escaping off.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
