package render

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

// AppendRequestLine appends the JSON line of a received request: the bytes
// JSONLine(w, NewRequestJSON(r)) writes, without reflection, for `listen
// --format json` under load.
func AppendRequestLine(dst []byte, r receiver.Request) []byte {
	j := NewRequestJSON(r)
	dst = append(dst, `{"kind":`...)
	dst = appendJSONString(dst, j.Kind)
	dst = append(dst, `,"receivedAt":`...)
	dst = appendJSONString(dst, j.ReceivedAt)
	dst = append(dst, `,"id":`...)
	dst = appendJSONString(dst, j.ID)
	dst = append(dst, `,"type":`...)
	dst = appendJSONString(dst, j.Type)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(j.Status), 10)
	dst = append(dst, `,"verification":`...)
	dst = appendJSONString(dst, j.Verification)
	if j.Reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = appendJSONString(dst, j.Reason)
	}
	dst = append(dst, `,"duplicate":`...)
	dst = strconv.AppendBool(dst, j.Duplicate)
	dst = append(dst, `,"method":`...)
	dst = appendJSONString(dst, j.Method)
	dst = append(dst, `,"path":`...)
	dst = appendJSONString(dst, j.Path)
	dst = append(dst, `,"headers":{`...)
	keys := make([]string, 0, len(j.Headers))
	for k := range j.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, j.Headers[k])
	}
	dst = append(dst, `},"event":`...)
	switch {
	case !bytes.ContainsAny(j.Event, "\n\r\t "):
		// Already compact: valid JSON (the body parsed) with nothing to take out.
		dst = append(dst, j.Event...)
	default:
		var compact bytes.Buffer
		if json.Compact(&compact, j.Event) != nil {
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
