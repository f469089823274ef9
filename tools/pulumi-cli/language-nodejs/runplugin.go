// RunPlugin: how the CLI starts a policy pack written in Node.js.
//
// `pulumi preview --policy-pack DIR` reads DIR/PulumiPolicy.yaml; when its
// runtime (nodejs) has a language host, the engine does not exec anything
// itself but asks that host's RunPlugin to start the pack (kind "analyzer"),
// passing the engine's usual plugin arguments (logging/tracing flags, then
// the engine address last), the environment the plugin should get, and
// ProgramInfo whose program directory is DIR. The engine then reads the
// analyzer's gRPC port from the first line of the plugin's stdout, which we
// stream back as RunPluginResponse messages, and cancels the RPC to stop it.
//
// The Node.js side is the SDK's own `@pulumi/pulumi/cmd/run-policy-pack
// ENGINE PROGRAM`, resolved from DIR the way node would (so a pack installed
// inside a user's node_modules finds that project's @pulumi/pulumi). It loads
// the pack, whose `new PolicyPack(...)` serves the Analyzer service and
// prints the port. @pulumi/policy >= 1.x implements ConfigureStack and
// Configure itself, so unlike the official host we need no proxy that waits
// for the stack configuration before starting node.
//
// Other kinds (providers written in Node.js) are not supported.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// runPolicyPackModule is the SDK's entry point for policy packs.
const runPolicyPackModule = "@pulumi/pulumi/cmd/run-policy-pack"

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != "analyzer" {
		return status.Errorf(codes.Unimplemented,
			"this Node.js language host runs policy packs only, not plugins of kind %q", req.GetKind())
	}
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	if dir == "" {
		return status.Error(codes.InvalidArgument, "RunPlugin: no program directory (the policy pack's folder)")
	}
	args := req.GetArgs()
	if len(args) == 0 {
		return status.Error(codes.InvalidArgument, "RunPlugin: no engine address in the plugin arguments")
	}
	engine := args[len(args)-1] // flags such as -v=9 or --tracing URL come first

	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	script, err := resolveModule(node, dir, runPolicyPackModule)
	if err != nil {
		return fmt.Errorf("%w (the policy pack at %s needs @pulumi/pulumi and @pulumi/policy installed)", err, dir)
	}
	opts, err := parseRuntimeOptions(info.GetOptions().AsMap())
	if err != nil {
		return err
	}
	nodeArgs := append(append([]string{}, opts.nodeArgs...), script, engine, dir)

	env := req.GetEnv()
	if len(env) == 0 {
		env = os.Environ()
	}
	out := &streamSender{server: server}
	cmd := exec.CommandContext(server.Context(), node, nodeArgs...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = writerFunc(out.stdout)
	cmd.Stderr = writerFunc(out.stderr)
	logging.V(5).Infof("language host launching policy pack: %s %s", node, strings.Join(nodeArgs, " "))

	err = cmd.Run()
	var exitErr *exec.ExitError
	code := 0
	switch {
	case err == nil:
	case server.Context().Err() != nil:
		return nil // the engine stopped the pack: nobody is listening any more
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	default:
		return fmt.Errorf("could not run the policy pack at %s: %w", dir, err)
	}
	return out.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// streamSender serializes Sends: exec copies stdout and stderr from two
// goroutines, and a gRPC stream must not be sent on concurrently.
type streamSender struct {
	mu     sync.Mutex
	server pulumirpc.LanguageRuntime_RunPluginServer
}

func (s *streamSender) send(msg *pulumirpc.RunPluginResponse) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.server.Send(msg)
}

func (s *streamSender) stdout(b []byte) error {
	return s.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: clone(b)}})
}

func (s *streamSender) stderr(b []byte) error {
	return s.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: clone(b)}})
}

// clone copies a buffer exec will reuse after Write returns.
func clone(b []byte) []byte { return append([]byte(nil), b...) }

type writerFunc func([]byte) error

func (f writerFunc) Write(b []byte) (int, error) {
	if err := f(b); err != nil {
		return 0, err
	}
	return len(b), nil
}

var _ io.Writer = writerFunc(nil)
