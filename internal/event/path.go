package event

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParsePath splits a dotted path such as data.order.items.0.quantity into its
// segments. A backslash escapes a dot or a backslash inside a key.
func ParsePath(path string) ([]string, error) {
	if path == "" {
		return nil, errors.New("empty path")
	}
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '\\':
			if i+1 == len(path) || (path[i+1] != '.' && path[i+1] != '\\') {
				return nil, fmt.Errorf("path %q: a backslash must escape '.' or '\\'", path)
			}
			i++
			cur.WriteByte(path[i])
		case c == '.':
			if cur.Len() == 0 {
				return nil, fmt.Errorf("path %q has an empty segment", path)
			}
			segs = append(segs, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() == 0 {
		return nil, fmt.Errorf("path %q has an empty segment", path)
	}
	return append(segs, cur.String()), nil
}

// SetPath stores value at path inside root, creating objects on the way.
// An array index may point one past the end to append.
func SetPath(root any, path []string, value any) (any, error) {
	seg, rest := path[0], path[1:]
	switch c := root.(type) {
	case *Object:
		if len(rest) == 0 {
			c.Set(seg, value)
			return c, nil
		}
		next, ok := c.Get(seg)
		if !ok || next == nil {
			next = NewObject()
		}
		next, err := SetPath(next, rest, value)
		if err != nil {
			return nil, err
		}
		c.Set(seg, next)
		return c, nil
	case []any:
		if len(rest) == 0 {
			i, err := index(seg, len(c), true)
			if err != nil {
				return nil, err
			}
			if i == len(c) {
				return append(c, value), nil
			}
			c[i] = value
			return c, nil
		}
		i, err := index(seg, len(c), false)
		if err != nil {
			return nil, err
		}
		if c[i], err = SetPath(c[i], rest, value); err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, fmt.Errorf("cannot set %q inside a %s", seg, kind(root))
}

// RemovePath deletes the value at path inside root.
func RemovePath(root any, path []string) (any, error) {
	seg, rest := path[0], path[1:]
	switch c := root.(type) {
	case *Object:
		next, ok := c.Get(seg)
		if !ok {
			return nil, fmt.Errorf("no field %q", seg)
		}
		if len(rest) == 0 {
			c.Delete(seg)
			return c, nil
		}
		next, err := RemovePath(next, rest)
		if err != nil {
			return nil, err
		}
		c.Set(seg, next)
		return c, nil
	case []any:
		i, err := index(seg, len(c), false)
		if err != nil {
			return nil, err
		}
		if len(rest) == 0 {
			return append(c[:i], c[i+1:]...), nil
		}
		if c[i], err = RemovePath(c[i], rest); err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, fmt.Errorf("cannot remove %q from a %s", seg, kind(root))
}

// index reads an array index: a canonical non-negative decimal, without a
// sign or leading zeros, so that "+0", "-0" and "00" are not taken for 0.
func index(seg string, n int, allowAppend bool) (int, error) {
	i, err := strconv.Atoi(seg)
	if err != nil || i < 0 || strconv.Itoa(i) != seg {
		return 0, fmt.Errorf("%q is not an array index", seg)
	}
	if i > n || (i == n && !allowAppend) {
		return 0, fmt.Errorf("index %d is out of range (length %d)", i, n)
	}
	return i, nil
}

func kind(v any) string {
	switch v.(type) {
	case *Object:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case nil:
		return "null"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}
