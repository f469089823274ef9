// Command pulumi-gen-iscpat generates the Node.js, Python and Go SDKs of a
// Pulumi package from its schema, with the code generators of
// github.com/pulumi/pulumi/pkg/v3 (the version in go.mod, the CLI's).
//
//	pulumi-gen-iscpat [-schema FILE] -out DIR [LANGUAGE...]
//
// reads the package schema JSON from FILE (default: standard input) and
// writes each LANGUAGE's SDK (default: nodejs python go) to DIR/LANGUAGE,
// replacing what was there. `pulumi package gen-sdk` cannot do this with
// our CLI: it hands generation to each language's host, and none here
// implements it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-gen-iscpat"

// noReferences is the schema loader: the package refers to no other package,
// so any load is a mistake in the schema, reported rather than fetched.
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; this generator resolves no references", pkg)
}

func (l noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %q; this generator resolves no references", pkg)
}

func (l noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}

var generators = map[string]func(*schema.Package) (map[string][]byte, error){
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noReferences{})
	},
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, nil, noReferences{})
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}

func run() error {
	schemaPath := flag.String("schema", "", "the package schema JSON file (default: standard input)")
	out := flag.String("out", "", "the output directory; each language's SDK goes to OUT/LANGUAGE")
	flag.Parse()
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	languages := flag.Args()
	if len(languages) == 0 {
		languages = []string{"nodejs", "python", "go"}
	}
	for _, language := range languages {
		if generators[language] == nil {
			return fmt.Errorf("no generator for %q (known: nodejs, python, go)", language)
		}
	}

	var input io.Reader = os.Stdin
	if *schemaPath != "" {
		f, err := os.Open(*schemaPath)
		if err != nil {
			return err
		}
		defer f.Close()
		input = f
	}
	var spec schema.PackageSpec
	decoder := json.NewDecoder(input)
	decoder.DisallowUnknownFields() // a misspelt schema key fails here, not silently
	if err := decoder.Decode(&spec); err != nil {
		return fmt.Errorf("reading the package schema: %w", err)
	}

	for _, language := range languages {
		// Each generator records its language's options on the package: bind anew for each.
		pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
		if err != nil {
			return fmt.Errorf("binding the package schema: %w", err)
		}
		if diags.HasErrors() {
			return fmt.Errorf("the package schema is invalid: %s", diags.Error())
		}
		files, err := generators[language](pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", language, err)
		}
		if err := write(filepath.Join(*out, language), files); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: %s SDK: %d files in %s\n", tool, language, len(files), filepath.Join(*out, language))
	}
	return nil
}

// write replaces dir's contents with files (paths relative to dir).
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}
