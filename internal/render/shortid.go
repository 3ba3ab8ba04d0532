package render

// ShortIDLen is how many of an event id's last characters its short form keeps.
const ShortIDLen = 8

// ShortID is the form of an event id that terminal lines and tables show:
// "…" and its last 8 characters (the random end of a UUIDv7) when it is
// longer than 9, else the id itself. The full id stays in --verbose,
// --format json, piped output and the history.
func ShortID(id string) string {
	r := []rune(id)
	if len(r) <= ShortIDLen+1 {
		return id
	}
	return "…" + string(r[len(r)-ShortIDLen:])
}
