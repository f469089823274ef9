#!/usr/bin/env node
// `isc-pat audit`: the tenant's token inventory, joined with stacks' state, for people (table),
// machines (--json), pull requests (--markdown) and pipelines (exit 1 past thresholds). Uses the
// provider's settings and client (pacing included); never sees a secret, so never prints one.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { AUDIT_DEFAULTS } from "../../policy/thresholds";
import type { ApiVersion, TokenRecord } from "../../wire/api-types";
import { clientFor } from "../isc-client/client";
import { systemNow } from "../rules/clock";
import {
    stackSettings,
    resolveConnection,
    resolveDefaultApiVersion,
    resolveFromEnvironment,
    type GivenSettings,
} from "../isc-client/config";
import { configKey, CONNECTION_NAMES, envVariable, type SettingsPlace } from "../isc-client/settings";
import { adoptable, emitProgram } from "./emit";
import { importFile, stackProviders, type StackProvider } from "./import-file";
import { IscApiError } from "../isc-client/errors";
import {
    FINDINGS,
    classify,
    gate,
    notes,
    renderJson,
    renderMarkdown,
    renderTable,
    staleFilters,
    stateRefs,
    StateFileError,
    type Finding,
    type StateRef,
    type Thresholds,
} from "./inventory";
import { scrub } from "../isc-client/redact";
import { API_VERSIONS, isApiVersion, notAVersion, orList } from "../rules/versions";

const USAGE = `Usage: isc-pat audit [--stack NAME]... [--state FILE]... [--cwd DIR] [--all-owners]
         [--api-version V] [--expiring-days N] [--unused-days N] [--never-used-days N] [--only-stale]
         [--json | --markdown] [--fail-on FINDING,...] [--max FINDING=N]... [--emit-program FILE]
         [--emit-import FILE]

Options and their defaults:
  --stack NAME          join with this stack's state, read with the Pulumi CLI (default: none)
  --state FILE          join with a \`pulumi stack export\` file (default: none)
  --cwd DIR             the Pulumi project for --stack (default: the current directory)
  --all-owners          every identity's tokens (default: the API client's own)
  --api-version V       ${orList(API_VERSIONS)} (default: the apiVersion of the settings
                        below, else v1)
  --expiring-days N     expiring: expires within N days (default: ${AUDIT_DEFAULTS.expiringDays})
  --unused-days N       unused: last used more than N days ago (default: ${AUDIT_DEFAULTS.unusedDays})
  --never-used-days N   never-used: created more than N days ago and never used (default: ${AUDIT_DEFAULTS.neverUsedDays})
  --only-stale          list only tokens never used or not used for --unused-days (default: all)
  --json, --markdown    the report's form (default: a table)
  --fail-on FINDING,... exit 1 if any token has one of these findings (default: none)
  --max FINDING=N       exit 1 if more than N tokens have this finding (default: none)
  --emit-program FILE   write a module adopting the caller's unmanaged, unexpired tokens (default: none)
  --emit-import FILE    write the file \`pulumi import --file FILE\` reads for those tokens (plugin type
                        iscpat:index:PersonalAccessToken; the provider of the first --stack at this
                        tenant and client when it has several) (default: none)
The day thresholds are the policy pack's (sailpoint-pat-expiring-without-rotation, -unused, -never-used).

Settings: one door's keys in the stack config of the first --stack (read with the Pulumi CLI), as the
providers take them: ${configKey("dynamic", "baseUrl")}, clientId, clientSecret, apiVersion when they set any of
baseUrl, clientId and clientSecret (then all three), else ${configKey("native", "baseUrl")} and so on when those do, else
${CONNECTION_NAMES.map(envVariable).join(", ")} (with ${configKey("dynamic", "apiVersion")}, else ${configKey("native", "apiVersion")}).
Tokens of both resource types are joined with the state: the dynamic resource's and the native plugin's
(iscpat:index:PersonalAccessToken). Tokens named as \`isc-pat rotator\` names its generations
(<base>-esc-<UTC timestamp>) are managed by the ESC rotator: the two newest of each base name and owner.
Findings: ${FINDINGS.join(", ")}.
Exit: 0 fine, 1 thresholds exceeded, 2 usage or API error.`;

class UsageError extends Error {}

function pulumi(args: string[], cwd: string | undefined): string {
    try {
        return execFileSync("pulumi", [...args, ...(cwd ? ["--cwd", cwd] : []), "--non-interactive"], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            maxBuffer: 256 * 1024 * 1024,
        });
    } catch (error) {
        const e = error as { code?: string; stderr?: string };
        if (e.code === "ENOENT")
            throw new Error(
                "--stack needs the Pulumi CLI (pulumi on PATH); or pass --state FILE from `pulumi stack export`",
            );
        throw new Error(
            `pulumi ${args.slice(0, 2).join(" ")} failed: ${(e.stderr ?? "").trim() || (error as Error).message}`,
        );
    }
}

/** A stack's config through the Pulumi CLI (secrets decrypted into this process only). */
function stackConfig(stack: string, cwd: string | undefined): { given: GivenSettings; place: SettingsPlace } {
    const values = JSON.parse(
        pulumi(["config", "--json", "--show-secrets", "--stack", stack], cwd),
    ) as Record<string, { value?: string }>;
    // A stack of the dynamic resource keeps its settings under its keys; one of the plugin (a Pulumi
    // YAML program, say) under the plugin's: the settings of one door, chosen as the providers choose.
    return stackSettings((key) => values[key]?.value);
}

function thresholds(failOn: string[], max: string[]): Thresholds {
    const result: Thresholds = {};
    const finding = (word: string): Finding => {
        if (!(FINDINGS as readonly string[]).includes(word))
            throw new UsageError(`unknown finding "${word}"; known: ${FINDINGS.join(", ")}`);
        return word as Finding;
    };
    for (const list of failOn) for (const word of list.split(",").filter(Boolean)) result[finding(word)] = 0;
    for (const spec of max) {
        const [word, n] = spec.split("=");
        if (!/^\d+$/.test(n ?? ""))
            throw new UsageError(`--max ${spec}: expected FINDING=N, e.g. never-used=5`);
        result[finding(word)] = Number(n);
    }
    return result;
}

function days(text: string | undefined, fallback: number, name: string): number {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number of days`);
    return Number(text);
}

/** The tokens of a --state file; a file that is not an export is a usage error naming what is wrong. */
function stateFile(file: string): StateRef[] {
    let exported: unknown;
    try {
        exported = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`--state ${file}: ${(error as Error).message}`);
    }
    try {
        return stateRefs(exported);
    } catch (error) {
        if (error instanceof StateFileError) throw new UsageError(`--state ${file}: ${error.message}`);
        throw error;
    }
}

async function audit(argv: string[], now: Date): Promise<number> {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            stack: { type: "string", multiple: true },
            state: { type: "string", multiple: true },
            cwd: { type: "string" },
            "all-owners": { type: "boolean" },
            "api-version": { type: "string" },
            "expiring-days": { type: "string" },
            "unused-days": { type: "string" },
            "never-used-days": { type: "string" },
            "only-stale": { type: "boolean" },
            json: { type: "boolean" },
            markdown: { type: "boolean" },
            "fail-on": { type: "string", multiple: true },
            max: { type: "string", multiple: true },
            "emit-program": { type: "string" },
            "emit-import": { type: "string" },
            help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (positionals[0] !== "audit" || positionals.length > 1) throw new UsageError("the command is `audit`");
    const stacks = values.stack ?? [];
    // The state first: a malformed file is a usage error before any setting or request.
    const refs: StateRef[] = [];
    for (const file of values.state ?? []) refs.push(...stateFile(file));
    let providers: StackProvider[] = [];
    for (const [i, stack] of stacks.entries()) {
        const exported: unknown = JSON.parse(pulumi(["stack", "export", "--stack", stack], values.cwd));
        refs.push(...stateRefs(exported));
        if (i === 0) providers = stackProviders(exported);
    }
    const config =
        stacks.length > 0
            ? stackConfig(stacks[0], values.cwd)
            : { given: {}, place: { door: "dynamic" as const, explicit: false } };
    const settings =
        stacks.length > 0
            ? resolveConnection(config.given, config.place, process.env)
            : resolveFromEnvironment(process.env, " (or give --stack NAME, a stack whose config sets them)");
    const versionText = values["api-version"];
    if (versionText !== undefined && !isApiVersion(versionText))
        throw new UsageError(`--api-version ${notAVersion(versionText)}`);
    const version: ApiVersion =
        (versionText as ApiVersion | undefined) ?? resolveDefaultApiVersion(config.given, config.place);
    const options = {
        expiringDays: days(values["expiring-days"], AUDIT_DEFAULTS.expiringDays, "expiring-days"),
        unusedDays: days(values["unused-days"], AUDIT_DEFAULTS.unusedDays, "unused-days"),
        neverUsedDays: days(values["never-used-days"], AUDIT_DEFAULTS.neverUsedDays, "never-used-days"),
    };
    const limits = thresholds(values["fail-on"] ?? [], values.max ?? []);

    const client = clientFor(settings);
    const ownerId = values["all-owners"] ? undefined : "me";
    const list = async (filters?: string): Promise<TokenRecord[]> => {
        try {
            return await client.list(version, { ownerId, filters });
        } catch (error) {
            if (error instanceof IscApiError && error.status === 403 && !ownerId) {
                throw new Error(
                    `${error.message}. --all-owners lists every identity's tokens, which needs the right idn:all-personal-access-tokens:read; without it, audit your own tokens (omit --all-owners)`,
                );
            }
            throw error;
        }
    };
    let tokens: TokenRecord[];
    if (values["only-stale"]) {
        // The API filters: two small lists instead of the whole tenant.
        const seen = new Map<string, TokenRecord>();
        for (const filter of staleFilters(now, options.unusedDays))
            for (const t of await list(filter)) seen.set(t.id, t);
        tokens = [...seen.values()];
    } else tokens = await list();

    const entries = classify(tokens, refs, now, options);
    if (values.json) process.stdout.write(renderJson(entries));
    else process.stdout.write(values.markdown ? renderMarkdown(entries) : renderTable(entries));
    const emitting = Boolean(values["emit-program"] || values["emit-import"]);
    for (const note of notes(entries, emitting)) process.stderr.write(`${note}\n`);

    if (emitting) {
        const own = values["all-owners"] ? await client.list(version, { ownerId: "me" }) : tokens;
        const ownerIds = new Set(own.map((t) => t.owner?.id));
        // The rotator's generations are managed too (by ESC): they are not emitted for adoption.
        const managed = new Set([
            ...refs.map((r) => r.id),
            ...entries.filter((e) => e.managed).map((e) => e.id),
        ]);
        const emitted = adoptable(tokens, managed, [...ownerIds][0] ?? "", now);
        if (values["emit-program"]) {
            writeFileSync(values["emit-program"], emitProgram(emitted, version, now));
            process.stderr.write(
                `wrote ${emitted.length} adopting declaration(s) to ${values["emit-program"]}\n`,
            );
        }
        if (values["emit-import"]) {
            const made = importFile(emitted, providers, settings);
            writeFileSync(values["emit-import"], `${JSON.stringify(made.file, null, 4)}\n`);
            const via = made.provider ? ` through provider ${made.provider}` : "";
            process.stderr.write(
                `wrote ${emitted.length} token(s) to import${via} to ${values["emit-import"]}: pulumi import --file ${values["emit-import"]} adopts them (their secrets stay unknown)\n`,
            );
            if (made.unmatched) {
                process.stderr.write(
                    `note: the stack has several iscpat providers and not exactly one at ${settings.baseUrl} with client ${settings.clientId}: no provider is named; add "provider" to each entry (and its URN to "nameTable") before importing\n`,
                );
            }
        }
    }
    const breaches = gate(entries, limits);
    for (const b of breaches) process.stderr.write(`threshold exceeded: ${b}\n`);
    return breaches.length > 0 ? 1 : 0;
}

export async function main(argv: string[], now = systemNow()): Promise<number> {
    try {
        return await audit(argv, now);
    } catch (error) {
        const message =
            error instanceof UsageError ? `${error.message}\n\n${USAGE}` : (error as Error).message;
        process.stderr.write(`isc-pat: ${scrub(message)}\n`);
        return 2;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => process.exit(code));
}
