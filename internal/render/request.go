package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

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

// RequestLine is one line about a received request. On a terminal it is
// aligned and coloured; piped, its fields are separated by tabs.
func RequestLine(st *iostreams.Styles, terminal bool, r receiver.Request) string {
	var evType, id string
	if r.Event != nil {
		evType, id = iostreams.Escape(r.Event.Type), orDash(iostreams.Escape(r.Event.ID))
	} else {
		evType, id = iostreams.Escape(r.Method+" "+r.Path), "-"
	}
	result, detail := outcome(r)
	if !terminal {
		return strings.Join([]string{r.ReceivedAt.Local().Format("15:04:05"), "-->", evType, id, result, detail}, "\t")
	}
	var styled string
	switch {
	case r.Accepted() && r.Verification == receiver.Verified:
		styled = st.Success("✓ " + result)
	case r.Accepted():
		styled = st.Warning("! " + result)
	default:
		styled = st.Failure("✗ " + result)
	}
	switch {
	case detail == "":
	case r.Accepted():
		styled += " " + detail
	default:
		styled += ": " + detail
	}
	return fmt.Sprintf("%s  -->  %s  %s  %s", st.Faint(r.ReceivedAt.Local().Format("15:04:05")), st.EventType(fmt.Sprintf("%-20s", evType)), id, styled)
}

// outcome names what happened to a request in a word or two, with the
// detail, escaped: a reason may quote the request.
func outcome(r receiver.Request) (result, detail string) {
	r.Reason, r.Scheme = iostreams.Escape(r.Reason), iostreams.Escape(r.Scheme)
	switch {
	case r.Accepted():
		result = r.Verification
		switch {
		case r.Verification == receiver.Unverified:
			detail = "(" + r.Reason + ")"
		case r.Scheme != "" && r.Scheme != "petstore":
			detail = "(" + r.Scheme + ")"
		}
		if r.Duplicate {
			detail = strings.TrimSpace(detail + " duplicate")
		}
		return result, detail
	case r.Verification == receiver.Rejected:
		return fmt.Sprintf("%d rejected", r.Status), r.Reason
	case r.Reason != "":
		return fmt.Sprintf("%d bad event", r.Status), r.Reason
	}
	return fmt.Sprintf("%d %s", r.Status, strings.ToLower(http.StatusText(r.Status))), ""
}

func orDash(s string) string {
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
