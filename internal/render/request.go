package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/event"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
)

// HeaderValue is a header's values joined, masked when the header's name
// says it carries a credential (see Sensitive).
func HeaderValue(h http.Header, k string) string {
	if Sensitive(k) {
		return "****"
	}
	return strings.Join(h.Values(k), ", ")
}

// Sensitive reports whether a header's name says that it carries a
// credential: it contains key, token, secret, auth, password, passwd,
// session or cookie, in any case (Authorization, Cookie, X-Api-Key,
// X-Auth-Token ...). The headers of the signature schemes stay visible: a
// signature is bound to its body and is what a developer debugs. It runs for
// every header of every request, so it looks at each byte once and
// allocates nothing.
func Sensitive(name string) bool {
	return namesCredential(name) && !isSchemeHeader(name)
}

// schemeHeaders are the headers the signature schemes write.
var schemeHeaders = signature.HeaderNames()

func isSchemeHeader(name string) bool {
	for _, h := range schemeHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

func namesCredential(name string) bool {
	for i := 0; i < len(name); i++ {
		rest := name[i:]
		switch name[i] | 0x20 { // ASCII lower case; other bytes match no word
		case 'k':
			if hasPrefixFold(rest, "key") {
				return true
			}
		case 't':
			if hasPrefixFold(rest, "token") {
				return true
			}
		case 's':
			if hasPrefixFold(rest, "secret") || hasPrefixFold(rest, "session") {
				return true
			}
		case 'a':
			if hasPrefixFold(rest, "auth") {
				return true
			}
		case 'p':
			if hasPrefixFold(rest, "passw") { // password, passwd
				return true
			}
		case 'c':
			if hasPrefixFold(rest, "cookie") {
				return true
			}
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case; word is lower case.
func hasPrefixFold(s, word string) bool {
	if len(s) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		if s[i]|0x20 != word[i] {
			return false
		}
	}
	return true
}

// The columns of listen's lines on a terminal, which fit TerminalWidth: the
// time, an arrow (--> a request, <-- a forward), the event type (or the
// method and path of a request that is no event) or a forward's status, the
// event's short id (see ShortID), then the outcome. What does not fit a
// column is cut with "…"; a reason or an error goes on a faint line of its
// own under the type column.
const (
	TypeColumn  = 20 // the event type's column, which trigger and the emulator share
	IDColumn    = 9  // the short id's column (see ShortID)
	outcomeAt   = 8 + 2 + 3 + 2 + TypeColumn + 2 + IDColumn + 2
	outcomeRoom = TerminalWidth - outcomeAt
	detailAt    = 8 + 2 + 3 + 2
)

// ShortID is how a terminal shows an event id: whole up to 9 columns, else
// "…" and its last 8 characters. A UUIDv7 starts with its timestamp, the
// same for the events of one millisecond, and ends with random bits: its
// last 8 hex digits are 32 of them, so two events of a session of thousands
// share them about once in a thousand sessions (git's short hashes are 7).
// It leaves the line room for a forward's target. The whole id is in
// --verbose, --format json, piped lines and the history.
//
// id is the raw id: it is cut, then escaped, so that no escape (\u200b) is
// cut in half; a run of characters shown as they are is cut between its
// clusters (an emoji keeps its skin tone).
func ShortID(id string) string {
	if plainASCII(id) { // the common case: nothing to escape, a column a byte
		if len(id) <= IDColumn {
			return id
		}
		return "…" + id[len(id)-(IDColumn-1):]
	}
	escaped := iostreams.Escape(id)
	if iostreams.Width(escaped) <= IDColumn {
		return escaped
	}
	tail, rest := "", id
	for rest != "" {
		_, size := utf8.DecodeLastRuneInString(rest)
		if last := rest[len(rest)-size:]; iostreams.Escape(last) != last {
			if iostreams.Width(iostreams.Escape(last)+tail) > IDColumn-1 {
				break
			}
			tail, rest = iostreams.Escape(last)+tail, rest[:len(rest)-size]
			continue
		}
		start := len(rest) - size // the start of the run shown as it is
		for start > 0 {
			_, size := utf8.DecodeLastRuneInString(rest[:start])
			if prev := rest[start-size : start]; iostreams.Escape(prev) != prev {
				break
			}
			start -= size
		}
		run := rest[start:]
		if room := IDColumn - iostreams.Width(tail); iostreams.Width(run) > room-1 {
			return iostreams.TruncateStart(run, room) + tail
		}
		tail, rest = run+tail, rest[:start]
	}
	return "…" + tail
}

// plainASCII reports whether s is printable ASCII only, which Escape leaves
// as it is.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// RequestLine is one line about a received request (two, on a terminal, when
// it has a reason). On a terminal it is aligned in columns that fit TerminalWidth;
// piped, its fields, whole, are separated by tabs. Colour follows st.
func RequestLine(st *iostreams.Styles, terminal bool, r receiver.Request) string {
	evType, rawID := iostreams.Escape(r.Method+" "+r.Path), "-"
	if r.Event != nil {
		evType, rawID = iostreams.Escape(r.Event.Type), OrDash(r.Event.ID)
	}
	o := outcome(r)
	when := r.ReceivedAt.Local().Format("15:04:05")
	color := st.Failure
	mark := "✗ "
	switch {
	case r.Accepted() && r.Verification == receiver.Verified:
		color, mark = st.Success, "✓ "
	case r.Accepted():
		color, mark = st.Warning, "! "
	}
	if !terminal {
		return joinFields(st.Faint(when), "-->", st.EventType(evType), iostreams.Escape(rawID), color(o.result), o.piped())
	}
	result := iostreams.Truncate(mark+o.result, outcomeRoom)
	line := fmt.Sprintf("%s  -->  %s  %s  %s", st.Faint(when), st.EventType(iostreams.Pad(evType, TypeColumn)),
		iostreams.Pad(ShortID(rawID), IDColumn), color(result))
	if room := outcomeRoom - iostreams.Width(result) - 1; o.tag != "" && room > 0 {
		line += " " + iostreams.Truncate(o.tag, room)
	}
	return strings.TrimRight(line, " ") + detailLine(st, o.reason)
}

// detailLine is a reason or an error on a faint line of its own under the
// type column, cut to fit, or nothing.
func detailLine(st *iostreams.Styles, text string) string {
	if text == "" {
		return ""
	}
	return "\n" + strings.Repeat(" ", detailAt) + st.Faint(iostreams.Truncate(text, TerminalWidth-detailAt))
}

// joinFields joins piped fields with tabs, an empty one written "-": a
// line of a kind always has the same number of fields.
func joinFields(fields ...string) string {
	for i, f := range fields {
		fields[i] = OrDash(f)
	}
	return strings.Join(fields, "\t")
}

// requestOutcome is what happened to a request, escaped: a reason may quote
// the request.
type requestOutcome struct {
	result string // a word or two: verified, 401 rejected, 404 not found
	tag    string // a short note beside it: (stripe), duplicate
	reason string // why it was rejected or left unverified
}

// piped is the last field of a piped line: the tag and the reason.
func (o requestOutcome) piped() string {
	if o.reason != "" && o.result == receiver.Unverified {
		return strings.TrimSpace("(" + o.reason + ") " + o.tag)
	}
	return strings.TrimSpace(o.tag + " " + o.reason)
}

func outcome(r receiver.Request) requestOutcome {
	reason, scheme := iostreams.Escape(r.Reason), iostreams.Escape(r.Scheme)
	switch {
	case r.Accepted():
		o := requestOutcome{result: r.Verification}
		switch {
		case r.Verification == receiver.Unverified:
			o.reason = reason
		case scheme != "" && scheme != "petstore":
			o.tag = "(" + scheme + ")"
		}
		if r.Duplicate {
			o.tag = strings.TrimSpace(o.tag + " duplicate")
		}
		return o
	case r.Verification == receiver.Rejected:
		return requestOutcome{result: fmt.Sprintf("%d rejected", r.Status), reason: reason}
	case r.Reason != "":
		return requestOutcome{result: fmt.Sprintf("%d bad event", r.Status), reason: reason}
	}
	return requestOutcome{result: fmt.Sprintf("%d %s", r.Status, strings.ToLower(http.StatusText(r.Status)))}
}

// OrDash is s, or "-" for an empty value in a table or a line.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// MaxShownBody is how much of a body --verbose shows.
const MaxShownBody = 64 << 10

// PrettyJSON is body indented by two spaces a level, each line after the
// first starting with prefix, when it is JSON nested at most
// event.MaxJSONDepth levels deep. A deeper body is not indented: each level
// adds its two spaces to every line below it, and 20 KB of brackets nested
// 10000 deep would take 200 MB.
func PrettyJSON(body []byte, prefix string) ([]byte, bool) {
	if shape, valid := event.ScanShape(body); !valid || shape.Depth > event.MaxJSONDepth {
		return nil, false
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, prefix, "  ") != nil {
		return nil, false
	}
	return pretty.Bytes(), true
}

// RequestDetail is what --verbose adds under the line: the headers, sorted,
// and the body, indented and coloured when it is JSON (see PrettyJSON),
// otherwise as it came; of a body larger than MaxShownBody, its start as it
// came and how much is left out.
func RequestDetail(st *iostreams.Styles, r receiver.Request) string {
	var b strings.Builder
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s %s\n", st.Faint(iostreams.Escape(k)+":"), iostreams.Escape(HeaderValue(r.Header, k)))
	}
	if len(r.Body) > MaxShownBody {
		body := iostreams.EscapeLines(string(r.Body[:MaxShownBody]))
		fmt.Fprintf(&b, "    %s\n    … %d more bytes (see events show)\n", strings.ReplaceAll(body, "\n", "\n    "), len(r.Body)-MaxShownBody)
		return b.String()
	}
	if pretty, ok := PrettyJSON(r.Body, "    "); ok {
		// Indent keeps the bytes of strings as they came: C1 controls,
		// overrides and bytes that are not UTF-8 are escaped here.
		b.WriteString("    " + st.JSON(iostreams.EscapeLines(string(pretty))) + "\n")
	} else if len(r.Body) > 0 {
		b.WriteString("    " + strings.ReplaceAll(iostreams.EscapeLines(strings.TrimRight(string(r.Body), "\n")), "\n", "\n    ") + "\n")
	}
	return b.String()
}
