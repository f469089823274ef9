//go:build tools

// The package scripts/actionlint.sh builds, required here so that go.mod and go.sum pin it.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
