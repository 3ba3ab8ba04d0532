package inspector

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/petstoreapi/petstore-webhooks/internal/relay"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/signature"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

// destination is where "to" names: one of listen's targets by its name,
// else a URL, host:port[/path] or port[/path]; the first target when "".
func (s *Server) destination(to string) (relay.Target, error) {
	if to == "" {
		if len(s.cfg.Targets) == 0 {
			return relay.Target{}, fmt.Errorf("say where: give to= a URL, host:port[/path] or port")
		}
		return s.cfg.Targets[0], nil
	}
	for _, t := range s.cfg.Targets {
		if t.Name() == to || t.URL == to {
			return t, nil
		}
	}
	t, err := relay.ParseTarget(to)
	if err != nil || t.Glob != "" {
		return relay.Target{}, fmt.Errorf("to %q: want a target's name, a URL, host:port[/path] or port", to)
	}
	return t, nil
}

// hopByHop are the headers of one connection, which a copy does not carry.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Host"}

func (s *Server) serveCurl(w http.ResponseWriter, r *http.Request) {
	s.serveCommand(w, r, curlCommand)
}

func (s *Server) serveTrigger(w http.ResponseWriter, r *http.Request) {
	s.serveCommand(w, r, triggerCommand)
}

func (s *Server) serveCommand(w http.ResponseWriter, r *http.Request, command func(*store.Request, relay.Target) string) {
	req, ok := s.request(w, r)
	if !ok {
		return
	}
	if req.BodySize > len(req.Body) {
		writeError(w, http.StatusConflict, fmt.Sprintf("only the first %d of the %d bytes of request %d's body were kept: it cannot be sent again as it arrived", len(req.Body), req.BodySize, req.ID))
		return
	}
	t, err := s.destination(r.URL.Query().Get("to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(command(&req, t)))
}

// commandURL is where a command sends to, and the note on what it leaves
// out of it: credentials in a URL are not written out.
func commandURL(t relay.Target) (string, string) {
	if u, err := url.Parse(t.URL); err == nil && u.User != nil {
		return t.Name(), "the credentials of the URL"
	}
	return t.URL, ""
}

// curlCommand is a bash command that sends r's exact bytes and headers to
// t with curl, suppressing the headers curl would add of its own.
func curlCommand(r *store.Request, t relay.Target) string {
	target, leftOut := commandURL(t)
	var b strings.Builder
	if len(r.Body) > 0 {
		b.WriteString("printf -- " + printfFormat(r.Body) + " |\n  ")
	}
	b.WriteString("curl -sS")
	if r.Method != http.MethodPost && r.Method != "" {
		b.WriteString(" -X " + bashWord(r.Method))
	}
	b.WriteString(" " + bashWord(target))
	var left []string
	if leftOut != "" {
		left = append(left, leftOut)
	}
	for _, name := range sortedNames(r.Header) {
		if slices.ContainsFunc(hopByHop, func(h string) bool { return strings.EqualFold(h, name) }) {
			continue
		}
		if render.Sensitive(name) {
			left = append(left, name)
			continue
		}
		for _, v := range r.Header[name] {
			b.WriteString(" \\\n  -H " + bashWord(name+": "+v))
		}
	}
	sendsData := len(r.Body) > 0 || (r.Method != http.MethodGet && r.Method != http.MethodHead)
	for _, own := range []string{"Accept", "User-Agent", "Content-Type", "Expect"} {
		if r.Header.Get(own) == "" && (own != "Content-Type" || sendsData) {
			b.WriteString(" \\\n  -H " + bashWord(own+":")) // "Name:" tells curl not to send its own
		}
	}
	switch {
	case len(r.Body) > 0:
		b.WriteString(" \\\n  --data-binary @-")
	case sendsData:
		b.WriteString(" \\\n  --data-binary ''")
	}
	b.WriteString("\n")
	writeLeftOut(&b, left)
	return b.String()
}

// triggerCommand is a bash command that has `petstore-webhooks trigger`
// send r's exact body to t, signed again with the secret trigger is given.
func triggerCommand(r *store.Request, t relay.Target) string {
	target, leftOut := commandURL(t)
	var b strings.Builder
	b.WriteString("printf -- " + printfFormat(r.Body) + " |\n  petstore-webhooks trigger --raw - --url " + bashWord(target))
	if scheme := r.Scheme; scheme != "" {
		b.WriteString(" --scheme " + bashWord(scheme))
	}
	var left []string
	if leftOut != "" {
		left = append(left, leftOut)
	}
	signatureHeaders := signature.HeaderNames()
	for _, name := range sortedNames(r.Header) {
		switch {
		case slices.ContainsFunc(hopByHop, func(h string) bool { return strings.EqualFold(h, name) }),
			slices.ContainsFunc(signatureHeaders, func(h string) bool { return strings.EqualFold(h, name) }),
			strings.EqualFold(name, "Content-Type"), strings.EqualFold(name, "User-Agent"):
			continue // trigger sets them
		case render.Sensitive(name):
			left = append(left, name)
			continue
		}
		for _, v := range r.Header[name] {
			if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
				left = append(left, name+" (a control character, which trigger's -H refuses)")
				break
			}
			b.WriteString(" \\\n  -H " + bashWord(name+": "+v))
		}
	}
	b.WriteString("\n")
	writeLeftOut(&b, left)
	return b.String()
}

func writeLeftOut(b *strings.Builder, left []string) {
	if len(left) > 0 {
		b.WriteString("# left out: " + escapeComment(strings.Join(left, ", ")) + "\n")
	}
}

// escapeComment keeps a comment on its one line, whatever a name holds.
func escapeComment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func sortedNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

const hexDigits = "0123456789abcdef"

// plainRune reports a rune a terminal shows as itself: printable, neither a
// control nor a format character.
func plainRune(r rune) bool {
	return r >= ' ' && r != 0x7f && !(r >= 0x80 && r <= 0x9f) && r != 0x2028 && r != 0x2029 && !unicode.Is(unicode.Cf, r)
}

// bashWord quotes s as one bash word: in single quotes, or in $'…' with
// \xHH escapes when it holds a byte that is not shown as itself.
func bashWord(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !plainRune(r) }) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' || r == '\'':
			b.WriteString(`\` + string(r))
		case r == '!': // no history expansion, whatever the shell's settings
			b.WriteString(`\x21`)
		case r == utf8.RuneError && size == 1, !plainRune(r):
			for _, c := range []byte(s[i : i+size]) {
				b.WriteString(`\x` + string(hexDigits[c>>4]) + string(hexDigits[c&0xf]))
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteString("'")
	return b.String()
}

// printfFormat is a single-quoted format that makes bash's printf write
// body's exact bytes: NUL included, which no bash string can hold. Line
// feeds stay as they are, so that a pretty-printed body reads as one.
func printfFormat(body []byte) string {
	var b strings.Builder
	b.WriteString("'")
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		switch {
		case r == '\'':
			b.WriteString(`'\''`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '%':
			b.WriteString(`%%`)
		case r == '\n':
			b.WriteByte('\n')
		case r == utf8.RuneError && size == 1, !plainRune(r):
			for _, c := range body[i : i+size] {
				b.WriteString(`\x` + string(hexDigits[c>>4]) + string(hexDigits[c&0xf]))
			}
		default:
			b.Write(body[i : i+size])
		}
		i += size
	}
	b.WriteString("'")
	return b.String()
}
