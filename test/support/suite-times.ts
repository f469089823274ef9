// The run's time report, printed after the suite-wide checks: the slowest test files (hooks included)
// and where the Pulumi CLI's time went. It asserts nothing: it tells whoever keeps `npm test` under its
// time budget (docs/testing.md) what to look at first.
import type { SuiteEntry } from "./suite-record";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The report's lines: `top` slowest files, then the CLI's commands by total time. */
export function timeReport(entries: readonly SuiteEntry[], top = 12): string[] {
    const files: { file: string; ms: number }[] = [];
    const commands = new Map<string, { count: number; ms: number }>();
    for (const entry of entries) {
        if (entry.kind === "file-time") files.push(entry);
        else if (entry.kind === "cli-time") {
            const sum = commands.get(entry.command) ?? { count: 0, ms: 0 };
            commands.set(entry.command, { count: sum.count + 1, ms: sum.ms + entry.ms });
        }
    }
    if (files.length === 0) return [];
    const total = files.reduce((sum, f) => sum + f.ms, 0);
    const lines = [`test files: ${files.length}, ${seconds(total)} in all workers; the slowest:`];
    for (const f of [...files].sort((a, b) => b.ms - a.ms).slice(0, top))
        lines.push(`  ${seconds(f.ms)}  ${f.file}`);
    const cli = [...commands].sort((a, b) => b[1].ms - a[1].ms);
    const cliMs = cli.reduce((sum, [, c]) => sum + c.ms, 0);
    const cliCount = cli.reduce((sum, [, c]) => sum + c.count, 0);
    if (cliCount > 0) {
        lines.push(`Pulumi CLI: ${cliCount} commands, ${seconds(cliMs)}; by command:`);
        for (const [command, c] of cli.slice(0, top))
            lines.push(
                `  ${seconds(c.ms)}  ${c.count} × pulumi ${command} (${seconds(c.ms / c.count)} each)`,
            );
    }
    return lines;
}
