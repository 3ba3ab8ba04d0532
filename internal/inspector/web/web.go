// Package web is the inspector's page: plain HTML, CSS and JavaScript,
// embedded in the binary, with no build step and nothing fetched from
// elsewhere.
package web

import "embed"

// Assets are index.html (with {{TOKEN}} and {{MODE}} to fill in), app.js
// and app.css.
//
//go:embed index.html app.js app.css
var Assets embed.FS
