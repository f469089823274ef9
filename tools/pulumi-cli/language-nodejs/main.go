// Command pulumi-language-nodejs is a small, self-written Pulumi language host
// for Node.js programs (`runtime: nodejs` in Pulumi.yaml).
//
// Why it exists: the official host is a separate Go module that the Go module
// proxy does not serve, so we cannot build it from modules. The engine starts
// this binary as a plugin, exactly like the official one:
//
//	pulumi-language-nodejs [-v=N] [--logtostderr] [--tracing URL] ENGINE_ADDRESS
//
// It serves pulumirpc.LanguageRuntime over gRPC on a free loopback port and
// prints that port on stdout, which is how the engine finds it.
//
// The real work of running a program is done by the Node.js SDK itself: Run
// launches `node <project>/node_modules/@pulumi/pulumi/cmd/run` with the
// flags and environment variables that script documents (see its usage()),
// and the SDK then talks to the engine's resource monitor directly.
//
// Deliberately left out compared with the official host: the synchronous
// invoke pipes (`--sync`, only used by long-deprecated synchronous invokes),
// plugin discovery in GetRequiredPackages (we return none, so the engine
// loads plugins on demand; the dynamic provider `pulumi-nodejs` is bundled
// next to the CLI), code generation, RunPlugin for anything but policy packs
// (see runplugin.go), debugger attachment and the bun runtime. Those RPCs
// answer codes.Unimplemented, which the engine tolerates for everything a
// preview/up/refresh/destroy needs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code with which @pulumi/pulumi/cmd/run says "I already logged the
// error to the user": the engine should then stop without another message.
const exitAfterUserActionableMessage = 32

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint (passed on to the program)")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse() // -v and -logtostderr are registered by the logging package
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	logging.InitLogging(false, 0, false)

	h := &host{tracing: *tracing}
	h.cancelCtx, h.cancelAll = context.WithCancel(context.Background())
	if flag.NArg() > 0 {
		h.engineAddress = flag.Arg(0)
	}

	// Stop serving on Ctrl-C, or when the engine that started us goes away.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if h.engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	cancel := make(chan bool)
	go func() { <-ctx.Done(); close(cancel) }()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port) // the engine reads the port from our first line
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// host implements pulumirpc.LanguageRuntimeServer. Embedding the generated
// Unimplemented server makes every RPC we do not define answer Unimplemented.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	tracing string

	mu            sync.Mutex
	engineAddress string // from the command line, or from Handshake

	cancelCtx context.Context // cancelled by the Cancel RPC: stops running programs
	cancelAll context.CancelFunc
}

// Handshake is only sent when the engine attaches to an already running
// host (PULUMI_DEBUG_LANGUAGES); it tells us the engine's address.
func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages lets the engine pre-install provider plugins. We report
// none: plugins are then loaded on demand when a resource needs them.
func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetRequiredPlugins is the deprecated predecessor of GetRequiredPackages.
func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// RuntimeOptionsPrompts is asked by `pulumi new`; we have no extra questions.
func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// Cancel stops any program we are running (SIGINT, then SIGKILL after 5s).
func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelAll()
	return &emptypb.Empty{}, nil
}

// About is called by preview/up to record the runtime in the update metadata.
func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", node, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

// GetProgramDependencies (used by `pulumi about`) lists the direct
// dependencies from package.json, with the version installed in node_modules
// when there is one and the requested range otherwise.
func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	var pkg struct {
		Dependencies, DevDependencies map[string]string
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &pkg); err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, deps := range []map[string]string{pkg.Dependencies, pkg.DevDependencies} {
		for name, wanted := range deps {
			var installed struct{ Version string }
			if readJSON(filepath.Join(dir, "node_modules", name, "package.json"), &installed) == nil &&
				installed.Version != "" {
				wanted = installed.Version
			}
			resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: wanted})
		}
	}
	sort.Slice(resp.Dependencies, func(i, j int) bool { return resp.Dependencies[i].Name < resp.Dependencies[j].Name })
	return resp, nil
}

// InstallDependencies (`pulumi install`, Automation API's install()) runs
// `npm install` in the program directory, streaming its output back.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd := exec.CommandContext(server.Context(), "npm", "install")
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install failed: %w", err)
	}
	return closer.Close()
}

// Run executes the program with the Node.js SDK's run script and reports how
// it went: RunResponse.Error for a failure the engine should print, Bail when
// the program already printed its own error.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	fail := func(err error) (*pulumirpc.RunResponse, error) {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd() // engines older than ProgramInfo
	}

	node, err := exec.LookPath("node")
	if err != nil {
		return fail(fmt.Errorf("could not find node on the $PATH: %w", err))
	}
	runScript, err := resolveRunScript(node, dir)
	if err != nil {
		return fail(err)
	}
	opts, err := parseRuntimeOptions(info.GetOptions().AsMap())
	if err != nil {
		return fail(err)
	}

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()

	// Flags understood by @pulumi/pulumi/cmd/run (see its usage()).
	args := append(opts.nodeArgs, runScript)
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", engine)
	flagIfSet("organization", req.GetOrganization())
	flagIfSet("project", req.GetProject())
	flagIfSet("root-directory", info.GetRootDirectory())
	flagIfSet("stack", req.GetStack())
	flagIfSet("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagIfSet("parallel", strconv.Itoa(int(req.GetParallel())))
	flagIfSet("tracing", h.tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "." // node then loads package.json's "main" or index
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// Configuration travels in the environment; the SDK accepts the engine's
	// "project:key" form as is.
	config, err := json.Marshal(orEmpty(req.GetConfig()))
	if err != nil {
		return fail(err)
	}
	secretKeys, err := json.Marshal(orEmptySlice(req.GetConfigSecretKeys()))
	if err != nil {
		return fail(err)
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true") // the SDK then registers ts-node
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	// Stop the program if the engine cancels this call or sends Cancel.
	runCtx, stop := context.WithCancel(h.cancelCtx)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd := exec.CommandContext(runCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = env
	// The engine shows our stdout/stderr to the user. Wrapping the files in a
	// plain io.Writer makes exec copy through a pipe instead of handing our
	// descriptors to node, which may switch them to non-blocking mode.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	logging.V(5).Infof("language host launching: %s %s", node, strings.Join(args, " "))

	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitAfterUserActionableMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return fail(fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode()))
	default:
		return fail(fmt.Errorf("Problem executing program (could not run language executor): %w", err))
	}
}

// resolveRunScript finds @pulumi/pulumi/cmd/run the way node would from the
// program directory (PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides the module).
func resolveRunScript(node, dir string) (string, error) {
	module := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if module == "" {
		module = "@pulumi/pulumi/cmd/run"
	}
	return resolveModule(node, dir, module)
}

// resolveModule asks node where `require(module)` leads from dir, so that
// node_modules folders above dir count, as they do for the program itself.
func resolveModule(node, dir, module string) (string, error) {
	cmd := exec.Command(node, "-e", "console.log(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s. It looks like the Pulumi SDK has not been "+
			"installed. Have you run npm install?", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml that matter to Run.
type runtimeOptions struct {
	typescript bool     // default true: run .ts sources through ts-node
	tsconfig   string   // optional tsconfig path
	nodeArgs   []string // extra node arguments, split on whitespace
}

func parseRuntimeOptions(m map[string]any) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true}
	if v, ok := m["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, errors.New("runtime option typescript must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option tsconfig must be a string")
		}
		opts.tsconfig = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option nodeargs must be a string")
		}
		opts.nodeArgs = strings.Fields(s)
	}
	return opts, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func orEmptySlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
