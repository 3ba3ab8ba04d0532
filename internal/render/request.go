package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/receiver"
)

// sensitiveHeaders have their values masked wherever requests are shown.
var sensitiveHeaders = map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true}

// HeaderValue is a header's values joined, masked for credentials.
func HeaderValue(h http.Header, k string) string {
	v := strings.Join(h.Values(k), ", ")
	if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
		return "****"
	}
	return v
}

// RequestLine is one line about a received request. On a terminal it is
// aligned and coloured; piped, its fields are separated by tabs.
func RequestLine(st *iostreams.Styles, terminal bool, r receiver.Request) string {
	var evType, id string
	if r.Event != nil {
		evType, id = r.Event.Type, orDash(r.Event.ID)
	} else {
		evType, id = r.Method+" "+r.Path, "-"
	}
	result, detail := outcome(r)
	if !terminal {
		return strings.Join([]string{r.ReceivedAt.Local().Format("15:04:05"), "-->", evType, id, result, detail}, "\t")
	}
	var styled string
	switch {
	case r.Status == http.StatusOK && r.Verification == receiver.Verified:
		styled = st.Success("✓ " + result)
	case r.Status == http.StatusOK:
		styled = st.Warning("! " + result)
	default:
		styled = st.Failure("✗ " + result)
	}
	switch {
	case detail == "":
	case r.Status == http.StatusOK:
		styled += " " + detail
	default:
		styled += ": " + detail
	}
	return fmt.Sprintf("%s  -->  %s  %s  %s", st.Faint(r.ReceivedAt.Local().Format("15:04:05")), st.EventType(fmt.Sprintf("%-20s", evType)), id, styled)
}

// outcome names what happened to a request in a word or two, with the detail.
func outcome(r receiver.Request) (result, detail string) {
	switch {
	case r.Status == http.StatusOK:
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

// RequestDetail is what --verbose adds under the line: the headers, sorted,
// and the body, indented and coloured when it is JSON.
func RequestDetail(st *iostreams.Styles, r receiver.Request) string {
	var b strings.Builder
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s %s\n", st.Faint(k+":"), HeaderValue(r.Header, k))
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, r.Body, "    ", "  ") == nil {
		b.WriteString("    " + st.JSON(pretty.String()) + "\n")
	} else if len(r.Body) > 0 {
		b.WriteString("    " + strings.ReplaceAll(strings.TrimRight(string(r.Body), "\n"), "\n", "\n    ") + "\n")
	}
	return b.String()
}
