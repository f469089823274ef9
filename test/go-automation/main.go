// A Go program on the generated Go SDK (sdk/go, through go.mod's replace), run by the Go Automation
// API as an inline program: the API serves the language protocol itself, so no pulumi-language-go is
// needed, only the CLI (ISCPAT_PULUMI_ROOT/bin/pulumi) and the plugin installed by name. Two provider
// instances, one token each, at the tenants A_* and B_* name. test/e2e/go-automation.test.ts drives
// it: after each step it prints one JSON line (never a secret) and waits for a line on stdin, so that
// the test can look at both tenants before the next step.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/isc-pat/pulumi-sailpoint-pat/sdk/go/iscpat"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

var tenants = []string{"a", "b"}

// program declares, per tenant, an explicit provider and a token through it.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	for _, t := range tenants {
		prefix := map[string]string{"a": "A_", "b": "B_"}[t]
		provider, err := iscpat.NewProvider(ctx, t, &iscpat.ProviderArgs{
			BaseUrl:      pulumi.String(os.Getenv(prefix + "URL")),
			ClientId:     pulumi.String(os.Getenv(prefix + "CLIENT_ID")),
			ClientSecret: pulumi.ToSecret(pulumi.String(os.Getenv(prefix + "CLIENT_SECRET"))).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		token, err := iscpat.NewPersonalAccessToken(ctx, t+"-token", &iscpat.PersonalAccessTokenArgs{
			Name:  pulumi.String(cfg.Require(t + "Name")),
			Scope: pulumi.StringArray{pulumi.String("sp:scopes:default")},
			// v1 without an expiry: the acknowledged never-expiring token (no date to go stale).
			UserAwareTokenNeverExpires: pulumi.Bool(true),
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export(t+"Id", token.ID())
		ctx.Export(t+"Secret", token.Secret)
	}
	return nil
}

// report prints one step's facts and waits for the test to say go on.
func report(in *bufio.Reader, facts map[string]any) {
	line, _ := json.Marshal(facts)
	fmt.Println(string(line))
	if _, err := in.ReadString('\n'); err != nil {
		fail("stdin closed: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	ctx := context.Background()
	in := bufio.NewReader(os.Stdin)
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:             os.Getenv("ISCPAT_PULUMI_ROOT"),
		SkipVersionCheck: true,
	})
	if err != nil {
		fail("the Pulumi CLI: %v", err)
	}
	project := workspace.Project{
		Name:    "iscpat-go",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
	}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "iscpat-go", program,
		auto.Pulumi(cli), auto.Project(project), auto.WorkDir(os.Getenv("ISCPAT_WORK_DIR")))
	if err != nil {
		fail("the stack: %v", err)
	}
	for _, t := range tenants {
		if err := stack.SetConfig(ctx, t+"Name", auto.ConfigValue{Value: "go-" + t}); err != nil {
			fail("config: %v", err)
		}
	}

	up, err := stack.Up(ctx, optup.SuppressOutputs())
	if err != nil {
		fail("up: %v", err)
	}
	report(in, map[string]any{
		"step":         "up",
		"aId":          up.Outputs["aId"].Value,
		"bId":          up.Outputs["bId"].Value,
		"aSecretIsSet": up.Outputs["aSecret"].Secret,
		"bSecretIsSet": up.Outputs["bSecret"].Secret,
	})

	preview, err := stack.Preview(ctx, optpreview.ExpectNoChanges())
	if err != nil {
		fail("preview: %v", err)
	}
	report(in, map[string]any{"step": "preview", "changes": preview.ChangeSummary})

	if err := stack.SetConfig(ctx, "aName", auto.ConfigValue{Value: "go-a-renamed"}); err != nil {
		fail("config: %v", err)
	}
	renamed, err := stack.Up(ctx, optup.SuppressOutputs())
	if err != nil {
		fail("rename: %v", err)
	}
	report(in, map[string]any{"step": "rename", "aId": renamed.Outputs["aId"].Value, "changes": renamed.Summary.ResourceChanges})

	if _, err := stack.Destroy(ctx); err != nil {
		fail("destroy: %v", err)
	}
	_ = optdestroy.Message
	report(in, map[string]any{"step": "destroy"})
}
