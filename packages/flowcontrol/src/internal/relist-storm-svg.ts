// Renders the relist-storm results as a self-contained SVG (no plotting
// dependency): one panel per policy (fixed, dynamic, dynamic + jitter), admitted and rejected requests per second
// on a log scale (rejections outnumber admissions 20:1 at the peak).

import type { RelistStormResult } from './relist-storm.js';

const WIDTH = 880;
const PANEL_HEIGHT = 230;
const MARGIN = { left: 64, right: 24, top: 58, bottom: 36 };
const GAP = 44;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)} s` : 'never';
}

export function renderRelistStormSvg(results: readonly RelistStormResult[], title: string): string {
  const seconds = Math.max(...results.map((r) => r.perSecond.admitted.length)) + 2;
  const peak = Math.max(10, ...results.flatMap((r) => [...r.perSecond.rejected, ...r.perSecond.admitted]));
  const top = 10 ** Math.ceil(Math.log10(peak + 1));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const height = MARGIN.top + results.length * (PANEL_HEIGHT + GAP) + 8;
  const x = (s: number): number => MARGIN.left + (s / seconds) * plotWidth;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="24" font-size="16" font-weight="600" fill="#111">${escape(title)}</text>`);
  out.push(`<rect x="${MARGIN.left}" y="34" width="12" height="12" fill="#2e7d32"/><text x="${MARGIN.left + 18}" y="44" fill="#333">client LISTs admitted / s</text>`);
  out.push(`<rect x="${MARGIN.left + 190}" y="34" width="12" height="12" fill="#d32f2f" fill-opacity="0.55"/><text x="${MARGIN.left + 208}" y="44" fill="#333">requests rejected (429) / s</text>`);
  out.push(`<rect x="${MARGIN.left + 390}" y="39" width="12" height="3" fill="#1565c0"/><text x="${MARGIN.left + 408}" y="44" fill="#333">control plane admitted / s</text>`);
  results.forEach((result, panel) => {
    const y0 = MARGIN.top + panel * (PANEL_HEIGHT + GAP) + 14;
    const plotHeight = PANEL_HEIGHT - MARGIN.bottom;
    const y = (v: number): number => y0 + plotHeight - (Math.log10(1 + v) / Math.log10(1 + top)) * plotHeight;
    const label =
      result.policy === 'fixed'
        ? 'fixed Retry-After: 1'
        : result.policy === 'dynamic'
          ? 'dynamic Retry-After (congestion bucket: 1, 2, 4, 8 s)'
          : `dynamic Retry-After + jitter ${result.jitter} (s → ceil(s × [1, ${1 + result.jitter}]))`;
    const summary = `${result.rejected.toLocaleString('en-US')} rejected · all ${result.clients.toLocaleString('en-US')} clients served after ${fmt(result.recoverySeconds)}`;
    out.push(`<text x="${MARGIN.left}" y="${y0 - 6}" font-size="13" font-weight="600" fill="#111">${escape(label)}</text>`);
    out.push(`<text x="${WIDTH - MARGIN.right}" y="${y0 - 6}" text-anchor="end" fill="#444">${escape(summary)}</text>`);
    out.push(`<rect x="${MARGIN.left}" y="${y0}" width="${plotWidth}" height="${plotHeight}" fill="#fafafa" stroke="#ccc"/>`);
    for (let tick = 1; tick <= top; tick *= 10) {
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e3e3e3"/>`);
      out.push(`<text x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end" fill="#666">${tick.toLocaleString('en-US')}</text>`);
    }
    const step = seconds > 120 ? 20 : seconds > 60 ? 10 : 5;
    for (let s = 0; s <= seconds; s += step) {
      out.push(`<text x="${x(s).toFixed(1)}" y="${y0 + plotHeight + 16}" text-anchor="middle" fill="#666">${s}</text>`);
    }
    out.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${y0 + plotHeight + 30}" text-anchor="middle" fill="#666">seconds after the restart</text>`);
    const barWidth = Math.max(1, plotWidth / seconds - 1);
    result.perSecond.rejected.forEach((v, s) => {
      if (v > 0) out.push(`<rect x="${x(s).toFixed(1)}" y="${y(v).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y0 + plotHeight - y(v)).toFixed(1)}" fill="#d32f2f" fill-opacity="0.55"/>`);
    });
    result.perSecond.admitted.forEach((v, s) => {
      if (v > 0) out.push(`<rect x="${(x(s) + barWidth * 0.25).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth * 0.5).toFixed(1)}" height="${(y0 + plotHeight - y(v)).toFixed(1)}" fill="#2e7d32"/>`);
    });
    const cp = result.perSecond.controlPlaneAdmitted.map((v, s) => `${(x(s) + barWidth / 2).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    if (cp.length > 0) out.push(`<polyline points="${cp}" fill="none" stroke="#1565c0" stroke-width="1.5"/>`);
    if (Number.isFinite(result.recoverySeconds)) {
      const rx = x(result.recoverySeconds).toFixed(1);
      out.push(`<line x1="${rx}" x2="${rx}" y1="${y0}" y2="${y0 + plotHeight}" stroke="#111" stroke-dasharray="4 3"/>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
