/** Number formatting shared by the console and the Markdown report. */

/** `12.3 ns`, `4.56 µs`, `78.9 ms`, `1.23 s`: three significant digits. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (ns < 1e3) return `${sig(ns)} ns`;
  if (ns < 1e6) return `${sig(ns / 1e3)} µs`;
  if (ns < 1e9) return `${sig(ns / 1e6)} ms`;
  return `${sig(ns / 1e9)} s`;
}

/** Operations per second, grouped: `1,234,567`; three significant digits below 100. */
export function formatOps(ops: number): string {
  if (!Number.isFinite(ops)) return String(ops);
  if (ops < 100) return sig(ops);
  return Math.round(ops).toLocaleString('en-US');
}

/** `±1.23 %`. */
export function formatPct(pct: number): string {
  return Number.isFinite(pct) ? `±${pct < 10 ? pct.toFixed(2) : pct.toFixed(1)} %` : '±∞';
}

/** `1.00×`, `27.4×`, `612×`, `0.42×`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  return `${ratio >= 100 ? Math.round(ratio).toLocaleString('en-US') : sig(ratio)}×`;
}

/** Bytes as `3,512 B`. */
export function formatBytes(bytes: number): string {
  return `${Math.round(bytes).toLocaleString('en-US')} B`;
}

/** Bytes as `12.3 MiB`. */
export function formatMiB(bytes: number): string {
  return `${sig(bytes / 2 ** 20)} MiB`;
}

/** A count with thousands separators: `10 000` style is ambiguous in Markdown, so `10,000`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function sig(value: number): string {
  if (value === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return value.toFixed(Math.min(digits, 3));
}
