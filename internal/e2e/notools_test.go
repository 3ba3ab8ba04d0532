//go:build !tools

package e2e

import "regexp"

// Without -tags tools the help examples that pipe into jq or call curl are
// not run: a machine with only Go may lack them. .ci/run installs them and
// runs these examples too.
var helpExamplesNeedingTools = []notRunExample{
	{regexp.MustCompile(`\bjq\b|\bcurl\b`), "needs jq or curl: runs with -tags tools, as in .ci/run"},
}
