package events

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
	"github.com/petstoreapi/petstore-webhooks/internal/render"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

type attemptJSON struct {
	Attempt         int                  `json:"attempt"`
	AttemptedAt     string               `json:"attemptedAt"`
	Status          int                  `json:"status"`
	LatencyMs       float64              `json:"latencyMs"`
	Error           string               `json:"error,omitempty"`
	Response        string               `json:"response,omitempty"`
	ResponseHeaders []render.HeaderField `json:"responseHeaders"` // empty without an answer
}

type forwardJSON struct {
	Target   string        `json:"target"`
	State    string        `json:"state"`
	Attempts []attemptJSON `json:"attempts"`
}

type eventJSON struct {
	Number       int64             `json:"number"`
	ReceivedAt   string            `json:"receivedAt"`
	EventID      string            `json:"eventId"`
	EventType    string            `json:"eventType"`
	Status       int               `json:"status"`
	Verification string            `json:"verification"`
	Scheme       string            `json:"scheme"` // the signature scheme that verified it, or ""
	Reason       string            `json:"reason,omitempty"`
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body"`
	BodySize     int               `json:"bodySize,omitempty"` // set when body is only the start of it
	Forwards     []forwardJSON     `json:"forwards"`
}

// ShowOptions are the inputs of `events show`.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	History string // the history's file
	Ref     string // an event id, its end, or a request number
	Format  string
}

// NewCmdShow builds `events show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one recorded event: headers, body and every forward attempt",
		Example: `  petstore-webhooks events show 019b4132-70aa-764f-b315-e2803d882a24
  petstore-webhooks events show 42 --format json | jq -r .body`,
		Args: cmdutil.ExactArgs(1, "an event id, its end, or a request number (see 'events list')"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.CheckFormat(opts.Format); err != nil {
				return err
			}
			opts.Ref = args[0]
			var err error
			if opts.History, err = historyFile(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmdutil.FormatFlag(cmd, &opts.Format)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	st, r, err := openRequest(ctx, opts.History, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	fwds, atts, err := st.Forwards(ctx, r.ID)
	if err != nil {
		return err
	}
	ev := eventOf(r, fwds, atts)
	if opts.Format == "json" {
		return render.JSONLine(opts.IO.Out, ev)
	}
	return printEvent(opts.IO, ev)
}

// eventOf is a request with its forwards and their attempts, as show prints it.
func eventOf(r store.Request, fwds []store.Forward, atts map[int64][]store.ForwardAttempt) eventJSON {
	ev := eventJSON{Number: r.ID, ReceivedAt: r.ReceivedAt.UTC().Format(time.RFC3339Nano), EventID: r.EventID, EventType: r.EventType,
		Status: r.Status, Verification: r.Verification, Scheme: r.Scheme, Reason: r.Reason, Headers: map[string]string{}, Body: string(r.Body), BodySize: r.BodySize, Forwards: []forwardJSON{}}
	for k := range r.Header {
		ev.Headers[k] = render.HeaderValue(r.Header, k)
	}
	for _, fw := range fwds {
		fj := forwardJSON{Target: fw.Target, State: fw.State, Attempts: []attemptJSON{}}
		for _, a := range atts[fw.ID] {
			fj.Attempts = append(fj.Attempts, attemptJSON{a.Attempt, a.AttemptedAt.UTC().Format(time.RFC3339Nano), a.Status,
				float64(a.Latency.Microseconds()) / 1000, a.Error, string(a.Response), render.HeaderFields(a.ResponseHeader)})
		}
		ev.Forwards = append(ev.Forwards, fj)
	}
	return ev
}

// printEvent shows an event for people; every string in it came from
// outside and is printed escaped. On a terminal the lines it makes fit
// render.TerminalWidth (a header's value is cut, whole when piped and in
// --format json); the body and the app's answers are shown whole, as they
// came.
func printEvent(ios *iostreams.IOStreams, ev eventJSON) error {
	st := ios.OutStyles()
	terminal := ios.IsStdoutTTY()
	width := 0
	if terminal {
		width = render.TerminalWidth
	}
	esc := iostreams.Escape
	var b strings.Builder
	answered := fmt.Sprintf("answered %d · %s", ev.Status, render.OrDash(esc(ev.Verification)))
	if ev.Scheme != "" {
		answered += " with " + esc(ev.Scheme)
	}
	if ev.Reason != "" {
		answered += fmt.Sprintf(" (%s)", esc(ev.Reason))
	}
	if terminal {
		b.WriteString(render.FitLines(width, "", "  ", st.EventType(render.OrDash(esc(ev.EventType)))+" "+render.OrDash(esc(ev.EventID)), fmt.Sprintf("#%d", ev.Number)) + "\n")
		answered = render.Wrap(width, "  ", "received "+localTime(ev.ReceivedAt)+" · "+answered)
	} else {
		fmt.Fprintf(&b, "%s %s  %s  #%d\n", st.EventType(render.OrDash(esc(ev.EventType))), render.OrDash(esc(ev.EventID)), ev.ReceivedAt, ev.Number)
	}
	b.WriteString(answered + "\n\n")
	keys := make([]string, 0, len(ev.Headers))
	for k := range ev.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys { // whole: header values are data to copy
		fmt.Fprintf(&b, "%s %s\n", st.Faint(esc(k)+":"), esc(ev.Headers[k]))
	}
	b.WriteString("\n")
	if pretty, ok := render.PrettyJSON([]byte(ev.Body), ""); ok {
		// Indent keeps the bytes of strings as they came.
		b.WriteString(st.JSON(iostreams.EscapeLines(string(pretty))) + "\n")
	} else {
		b.WriteString(iostreams.EscapeLines(ev.Body) + "\n")
	}
	if ev.BodySize > 0 {
		b.WriteString(st.Faint(fmt.Sprintf("(first %s of %d bytes: the history keeps no more of a rejected request)", byteSize(len(ev.Body)), ev.BodySize)) + "\n")
	}
	for _, fw := range ev.Forwards {
		b.WriteString("\n" + render.FitLines(width, "  ", " ", "forward to", esc(fw.Target)+":", fw.State) + "\n")
		for _, a := range fw.Attempts {
			b.WriteString(attemptLines(st, terminal, a))
			b.WriteString(render.AnswerDetail([]byte(a.Response)))
		}
	}
	_, err := fmt.Fprint(ios.Out, b.String())
	return err
}

// attemptLines is an attempt at a forward: its number, time, answer and
// latency. On a terminal the answer is its status, and the error goes on
// lines of its own that fit render.TerminalWidth.
func attemptLines(st *iostreams.Styles, terminal bool, a attemptJSON) string {
	errText := iostreams.Escape(a.Error)
	outcome := fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status))
	if !terminal {
		switch {
		case errText != "" && a.Status != 0:
			outcome += ": " + errText
		case errText != "":
			outcome = "error: " + errText
		}
		return fmt.Sprintf("  attempt %d  %s  %s  %.1fms\n", a.Attempt, a.AttemptedAt, st.Status(a.Status, outcome), a.LatencyMs)
	}
	if a.Status == 0 {
		outcome = "error"
	}
	line := fmt.Sprintf("  attempt %d  %s  %s  %.1fms\n", a.Attempt, localTime(a.AttemptedAt), st.Status(a.Status, outcome), a.LatencyMs)
	if errText != "" {
		line += "    " + render.Wrap(render.TerminalWidth, "    ", errText) + "\n"
	}
	return line
}

// localTime is a time of the history (RFC 3339) as a terminal shows it.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// byteSize says n in KiB when it is a whole number of them.
func byteSize(n int) string {
	if n >= 1024 && n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}
