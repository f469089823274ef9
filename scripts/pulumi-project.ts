// Real Pulumi CLI runs, for the demo and the end-to-end tests: the CLI from scripts/pulumi-cli.sh, a
// temporary local file backend, and example projects that install this package from its packed
// tarball, as a user's project does.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
    cpSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    symlinkSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";

export const REPO = resolve(__dirname, "..", "..");

let cli: string | undefined;
/** The CLI's path; builds it on first use (minutes) and reuses the cache after. */
export function pulumiCli(): string {
    cli ??= execFileSync("bash", [join(REPO, "scripts", "pulumi-cli.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    return cli;
}

/**
 * The CLI with the Pulumi YAML language host beside it (scripts/pulumi-yaml.sh builds the host on first
 * use, minutes, then reuses it); later runs of every Project use it too. Call it before running a YAML
 * program.
 */
export function pulumiYamlCli(): string {
    cli = execFileSync("bash", [join(REPO, "scripts", "pulumi-yaml.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    return cli;
}

/**
 * Names a directory that every process of one run shares for its installs (the packed tarball and the
 * installed examples): mocha's main process sets it (test/support/suite-hooks.ts) and removes it at the
 * end, so each is made once per run rather than once per worker and test file.
 */
export const INSTALLS_ENV = "ISC_PAT_INSTALLS";

/** Blocks this thread for `ms` (a synchronous wait: callers such as the Project constructor are synchronous). */
function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * `dir` made by `make` once across the processes of a run: the first to create `dir` makes it and then
 * writes `.done` (or `.failed` with the error); the others wait for that word.
 */
function onceAcrossProcesses(dir: string, make: () => void): void {
    try {
        mkdirSync(dir);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const deadline = Date.now() + 900_000;
        while (!existsSync(join(dir, ".done"))) {
            if (existsSync(join(dir, ".failed")))
                throw new Error(
                    `another test process failed to make ${dir}: ${readFileSync(join(dir, ".failed"), "utf8")}`,
                );
            if (Date.now() > deadline)
                throw new Error(`${dir} was not made by another test process in 15 minutes`);
            sleepSync(200);
        }
        return;
    }
    try {
        make();
    } catch (error) {
        writeFileSync(join(dir, ".failed"), String((error as Error).message));
        throw error;
    }
    writeFileSync(join(dir, ".done"), "");
}

let tarball: string | undefined;
/** `npm pack` of this package (already built by `npm test`), once per run. */
export function packedPackage(): string {
    if (!tarball) {
        const shared = process.env[INSTALLS_ENV];
        const dir = shared ? join(shared, "pack") : mkdtempSync(join(tmpdir(), "pat-pack-"));
        const pack = () =>
            execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
                cwd: REPO,
                encoding: "utf8",
            });
        if (shared) onceAcrossProcesses(dir, pack);
        else pack();
        const name = readdirSync(dir).find((f) => f.endsWith(".tgz"));
        if (!name) throw new Error(`npm pack wrote no tarball to ${dir}`);
        tarball = join(dir, name);
    }
    return tarball;
}

const installed = new Map<string, string>();
/**
 * A copy of examples/<name> with its dependencies installed, the package from the tarball.
 * Installed once per run (INSTALLS_ENV), or else once per process; the Projects of an example share its
 * directory, each with its own stack (Pulumi.<stack>.yaml) and backend.
 */
function installedExample(example: string): string {
    // A project directory the caller made and installed itself (the README's commands do that).
    if (isAbsolute(example)) return example;
    let dir = installed.get(example);
    if (!dir) {
        const shared = process.env[INSTALLS_ENV];
        const made = shared
            ? join(shared, example.replace(/\W/g, "-"))
            : mkdtempSync(join(tmpdir(), `pat-${example.replace(/\W/g, "-")}-`));
        if (shared) onceAcrossProcesses(made, () => installExample(example, made));
        else installExample(example, made);
        dir = made;
        installed.set(example, dir);
    }
    return dir;
}

function installExample(example: string, dir: string): void {
    const source =
        example === "e2e-program" ? join(REPO, "test", "e2e-program") : join(REPO, "examples", example);
    cpSync(source, dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
    // A YAML project whose plugin is installed by name has no package.json: nothing to install.
    if (!existsSync(join(dir, "package.json"))) return;
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    manifest.dependencies["@isc-pat/pulumi-sailpoint-pat"] = `file:${packedPackage()}`;
    manifest.dependencies["@pulumi/pulumi"] = lockedPulumiVersion();
    // A YAML project builds nothing: no TypeScript to pin.
    if (manifest.devDependencies) manifest.devDependencies.typescript = acceptedTypeScript();
    writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    // The examples declare the same dependencies: one install serves all of them (a link to its
    // node_modules; Node.js resolves the modules by their real path, so each is loaded once).
    symlinkSync(
        join(installedDependencies(manifest.dependencies, manifest.devDependencies ?? {}), "node_modules"),
        join(dir, "node_modules"),
        "dir",
    );
}

const dependencyInstalls = new Map<string, string>();
/**
 * A folder with these dependencies installed, made once per run (INSTALLS_ENV) or else once per
 * process for each set: an npm install takes a loaded machine minutes, and seven projects share one set.
 */
function installedDependencies(
    dependencies: Record<string, string>,
    devDependencies: Record<string, string>,
): string {
    const manifest = { name: "pat-example-dependencies", private: true, dependencies, devDependencies };
    const key = createHash("sha256").update(JSON.stringify(manifest)).digest("hex").slice(0, 16);
    let dir = dependencyInstalls.get(key);
    if (!dir) {
        const shared = process.env[INSTALLS_ENV];
        const made = shared ? join(shared, `dependencies-${key}`) : mkdtempSync(join(tmpdir(), "pat-deps-"));
        const install = () => {
            writeFileSync(join(made, "package.json"), JSON.stringify(manifest, null, 2));
            execFileSync(
                "npm",
                ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
                { cwd: made, stdio: ["ignore", "ignore", "inherit"] },
            );
        };
        if (shared) onceAcrossProcesses(made, install);
        else install();
        dir = made;
        dependencyInstalls.set(key, dir);
    }
    return dir;
}

/**
 * Removes the installed example copies and the packed tarball (the demo cleans up after itself); those
 * of a run's shared directory are left to whoever made it.
 */
export function removeInstalls(): void {
    const shared = process.env[INSTALLS_ENV];
    for (const dir of installed.values()) if (!shared) rmSync(dir, { recursive: true, force: true });
    installed.clear();
    for (const dir of dependencyInstalls.values()) if (!shared) rmSync(dir, { recursive: true, force: true });
    dependencyInstalls.clear();
    if (tarball && !shared) rmSync(dirname(tarball), { recursive: true, force: true });
    tarball = undefined;
}

function lockedPulumi(): { version: string; peerDependencies: Record<string, string> } {
    return JSON.parse(readFileSync(join(REPO, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"));
}

export function lockedPulumiVersion(): string {
    return lockedPulumi().version;
}

/**
 * The TypeScript range the locked @pulumi/pulumi accepts (its peer range, e.g. ">= 3.8.3 < 7"): npm
 * installs the newest version in it, so the examples are built with the newest TypeScript a user can have.
 */
export function acceptedTypeScript(): string {
    return lockedPulumi().peerDependencies.typescript;
}

export interface RunResult {
    status: number;
    stdout: string;
    stderr: string;
    output: string;
}

let stacks = 0;

/**
 * `value` without its null and undefined members, which set nothing (nor do objects and lists left
 * empty); undefined when nothing is left. A list item that is left out would move the items after it:
 * refused.
 */
export function configValue(value: unknown): unknown {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) {
        const items = value.map(configValue);
        if (items.every((item) => item === undefined)) return undefined;
        if (items.includes(undefined))
            throw new Error(`a config list cannot hold null or an empty item: ${JSON.stringify(value)}`);
        return items;
    }
    if (typeof value === "object") {
        const kept = Object.entries(value)
            .map(([k, v]) => [k, configValue(v)] as const)
            .filter(([, v]) => v !== undefined);
        return kept.length === 0 ? undefined : Object.fromEntries(kept);
    }
    return value;
}

/**
 * `pulumi config set-all --json`'s entry for `key` (the shape `pulumi config --json` prints). With an
 * `objectValue` the CLI sets the key as a path and puts the value (parsed from `value`, typed: numbers,
 * booleans, strings) in place of whatever the path held, so a dotted key sets inside the object; a
 * top-level scalar is stored as a string, as `pulumi config set` stores it.
 */
export function configEntry(
    key: string,
    value: unknown,
): { value: string; objectValue?: unknown; secret: false } {
    if (typeof value !== "object" && !/[.[]/.test(key)) return { value: String(value), secret: false };
    return { value: JSON.stringify(value), objectValue: value, secret: false };
}

export class Project {
    readonly dir: string;
    readonly home: string;
    readonly env: Record<string, string>;
    /** Unique per Project: projects share an installed example directory, and its Pulumi.<stack>.yaml. */
    readonly stack = `dev-${process.pid}-${++stacks}`;

    /** Sees every text the CLI printed (the tests check it for secrets). */
    static observer: (source: string, text: string) => void = () => undefined;

    /** Sees the arguments of every run, as the caller passed them (before `--non-interactive`). */
    static invoked: (args: string[]) => void = () => undefined;

    /** Sees how long each run took (the suite's time report, test/support/suite-hooks.ts). */
    static timed: (args: string[], ms: number) => void = () => undefined;

    /**
     * A stack of examples/<example> (or the suite's own "e2e-program", or an absolute path to a project
     * the caller installed) on its own file backend. `sail` adds SAIL_* variables.
     */
    constructor(example: string, sail: Record<string, string> = {}) {
        this.dir = installedExample(example);
        this.home = mkdtempSync(join(tmpdir(), "pat-home-"));
        mkdirSync(join(this.home, "backend"));
        const base: Record<string, string> = {};
        // ISC_EMULATOR_SECRETS_FILE: an emulator the project's own test starts reports its secrets to
        // the suite's secret check (emulator/index.ts). GLIBC_TUNABLES: the allocator settings the
        // caller chose reach the engine's Node processes (test/support/suite-hooks.ts sets them).
        for (const key of ["PATH", "HOME", "LANG", "TMPDIR", "ISC_EMULATOR_SECRETS_FILE", "GLIBC_TUNABLES"]) {
            if (process.env[key]) base[key] = process.env[key] as string;
        }
        this.env = {
            ...base,
            ...sail,
            PULUMI_HOME: join(this.home, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${join(this.home, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NO_COLOR: "1",
        };
    }

    /** Creates and selects this project's stack, with its config (the plain keys in one CLI run). */
    async init(config: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<void> {
        await this.run(["stack", "init", this.stack]);
        // As `pulumi config set key value` each: no `objectValue`, so the key is not a path.
        const plain = Object.entries(config).map(([key, value]) => [key, { value, secret: false }]);
        if (plain.length > 0)
            await this.run(["config", "set-all", "--json", JSON.stringify(Object.fromEntries(plain))]);
        // Secret values go through stdin, never the command line (set-all takes them only there).
        for (const [key, value] of Object.entries(secrets)) {
            await this.run(["config", "set", "--secret", key], { input: value });
        }
    }

    /**
     * Sets stack config `key` (a path: `token`, `token.name`, `tokens.a.scope`) to a JSON-like value in
     * one CLI run. `config set-all --json` replaces what the path held, the old object's keys gone
     * (pulumi/pkg cmd/pulumi/config/config.go; config.Map.Set); strings stay strings, numbers and
     * booleans stay typed. A value that sets nothing (null, undefined, only empty members) removes the
     * key instead, with `config rm` (a missing key is no error).
     */
    async setConfig(key: string, value: unknown): Promise<void> {
        const kept = configValue(value);
        if (kept === undefined) {
            await this.run(["config", "rm", "--path", key], { allowFailure: true });
            return;
        }
        await this.run(["config", "set-all", "--json", JSON.stringify({ [key]: configEntry(key, kept) })]);
    }

    /**
     * Runs the CLI without blocking this process (the emulator serving it lives here too);
     * records everything it printed for the secret-hygiene check.
     */
    async run(args: string[], options: { input?: string; allowFailure?: boolean } = {}): Promise<RunResult> {
        Project.invoked(args);
        const started = performance.now();
        const child = spawn(pulumiCli(), [...args, "--non-interactive"], { cwd: this.dir, env: this.env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdin.end(options.input ?? "");
        const timer = setTimeout(() => child.kill("SIGTERM"), 300_000);
        const status = await new Promise<number>((resolve) =>
            child.on("close", (code) => resolve(code ?? -1)),
        );
        clearTimeout(timer);
        Project.timed(args, performance.now() - started);
        const run: RunResult = { status, stdout, stderr, output: stdout + stderr };
        Project.observer(`pulumi ${args[0]} ${args[1] ?? ""}`, run.output);
        if (run.status !== 0 && !options.allowFailure) {
            throw new Error(`pulumi ${args.join(" ")} exited ${run.status}:\n${run.output}`);
        }
        return run;
    }

    /** `pulumi stack output --json` (secrets shown only when asked). */
    outputs(showSecrets = false): Record<string, unknown> {
        const args = ["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])];
        const result = spawnSync(pulumiCli(), args, { cwd: this.dir, env: this.env, encoding: "utf8" });
        if (!showSecrets) Project.observer("pulumi stack output", result.stdout);
        return JSON.parse(result.stdout);
    }

    /** `pulumi stack export`, recorded for the hygiene check. */
    async exportState(): Promise<{ text: string; deployment: { resources: Record<string, unknown>[] } }> {
        const text = (await this.run(["stack", "export"])).stdout;
        return { text, deployment: JSON.parse(text).deployment };
    }

    cleanup(): void {
        killStragglers(`PULUMI_HOME=${this.env.PULUMI_HOME}`);
        rmSync(this.home, { recursive: true, force: true });
        rmSync(join(this.dir, `Pulumi.${this.stack}.yaml`), { force: true });
    }
}

/**
 * Kills the processes whose environment holds `marker` (this project's PULUMI_HOME): plugins that a
 * killed CLI left running (a test that SIGKILLs an `up` mid-way orphans its provider processes, and
 * each holds memory until the machine stops). Linux's /proc only; elsewhere nothing is done.
 */
function killStragglers(marker: string): void {
    let pids: string[];
    try {
        pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
    } catch {
        return;
    }
    for (const pid of pids) {
        try {
            const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
            if (environ.includes(marker)) process.kill(Number(pid), "SIGKILL");
        } catch {
            // Gone already, or not ours to read.
        }
    }
}
