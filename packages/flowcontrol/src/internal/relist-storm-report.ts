// The numbers table of the relist storm, as committed in this package's docs/flowcontrol.md.

import type { RelistStormResult } from './relist-storm.js';

function seconds(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} s` : 'not within 600 s';
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

export function relistStormTable(results: readonly RelistStormResult[]): string {
  const rows = [
    '| policy | rejected (429) | all clients served after | longest stretch without a 200 | control plane served | capacity: control plane / LISTs / answering 429s |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const name = r.policy === 'fixed' ? 'fixed `Retry-After: 1`' : r.policy === 'dynamic' ? 'dynamic (congestion bucket)' : `dynamic + \`jitter: ${r.jitter}\``;
    rows.push(
      `| ${name} | ${r.rejected.toLocaleString('en-US')} | ${seconds(r.recoverySeconds)} | ${r.longestSecondsWithoutAdmission} s | ${percent(r.controlPlaneServedRatio)} | ${percent(r.capacityShare.controlPlane)} / ${percent(r.capacityShare.lists)} / ${percent(r.capacityShare.rejections)} |`,
    );
  }
  return `${rows.join('\n')}\n`;
}
