// Small helpers of the benchmark: statistics, a plain-text table, PASS/MISS, progress lines.

export function median(values: readonly number[]): number {
    if (values.length === 0) return Number.NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mean(values: readonly number[]): number {
    return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Rounds for the JSON file and the table. */
export function round(value: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}

/** PASS, MISS, or a dash where a figure has no target. */
export function verdict(pass: boolean | null): string {
    return pass === null ? "-" : pass ? "PASS" : "MISS";
}

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
    const cells = [headers, ...rows.map((row) => row.map(String))];
    const widths = headers.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? "").length)));
    const line = (row: string[]) =>
        row
            .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
            .join("  ")
            .trimEnd();
    return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join(
        "\n",
    );
}

/** Progress goes to stderr, so stdout holds only the report. */
export function progress(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** An RFC 3339 instant `days` from now, without milliseconds. */
export function inDays(days: number): string {
    return new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
