package iostreams

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/fatih/color"
	"github.com/muesli/termenv"
)

// Styles is the palette: semantic names, never raw colours, in commands.
// lipgloss and fatih/color both follow the one colour decision.
type Styles struct {
	Enabled bool

	success, failure, warning, faint, eventType, bold lipgloss.Style
	jsonKey, jsonString, jsonNumber, jsonLiteral      *color.Color
}

func newStyles(w io.Writer, enabled bool) *Styles {
	r := lipgloss.NewRenderer(w)
	if enabled {
		r.SetColorProfile(termenv.ANSI)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	fc := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &Styles{
		Enabled:     enabled,
		success:     r.NewStyle().Foreground(lipgloss.Color("2")),
		failure:     r.NewStyle().Foreground(lipgloss.Color("1")),
		warning:     r.NewStyle().Foreground(lipgloss.Color("3")),
		faint:       r.NewStyle().Faint(true),
		eventType:   r.NewStyle().Foreground(lipgloss.Color("6")).Bold(true),
		bold:        r.NewStyle().Bold(true),
		jsonKey:     fc(color.FgBlue, color.Bold),
		jsonString:  fc(color.FgGreen),
		jsonNumber:  fc(color.FgCyan),
		jsonLiteral: fc(color.FgMagenta),
	}
}

func (s *Styles) Success(t string) string   { return apply(s.success, t) }
func (s *Styles) Failure(t string) string   { return apply(s.failure, t) }
func (s *Styles) Warning(t string) string   { return apply(s.warning, t) }
func (s *Styles) Faint(t string) string     { return apply(s.faint, t) }
func (s *Styles) EventType(t string) string { return apply(s.eventType, t) }
func (s *Styles) Bold(t string) string      { return apply(s.bold, t) }

// apply styles t; an empty t stays empty (styled, it would be escapes
// alone: an invisible field that is not empty).
func apply(style lipgloss.Style, t string) string {
	if t == "" {
		return ""
	}
	return style.Render(t)
}

// Status colours an HTTP status by its class.
func (s *Styles) Status(code int, t string) string {
	switch {
	case code >= 200 && code < 300:
		return s.Success(t)
	case code >= 400 || code == 0:
		return s.Failure(t)
	}
	return s.Warning(t)
}

// JSON colours indented JSON text token by token.
func (s *Styles) JSON(text string) string {
	if !s.Enabled {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(text))
			tok := text[i:j]
			if strings.HasPrefix(strings.TrimLeft(text[j:], " "), ":") {
				b.WriteString(s.jsonKey.Sprint(tok))
			} else {
				b.WriteString(s.jsonString.Sprint(tok))
			}
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(text) && strings.IndexByte("0123456789.eE+-", text[j]) >= 0 {
				j++
			}
			b.WriteString(s.jsonNumber.Sprint(text[i:j]))
			i = j
		case strings.HasPrefix(text[i:], "true"), strings.HasPrefix(text[i:], "null"):
			b.WriteString(s.jsonLiteral.Sprint(text[i : i+4]))
			i += 4
		case strings.HasPrefix(text[i:], "false"):
			b.WriteString(s.jsonLiteral.Sprint(text[i : i+5]))
			i += 5
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
