//go:build tools

// Package tools pins the Pulumi YAML language host
// (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) as a dependency of
// this module so `go build -mod=readonly` can build it against go.sum.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
