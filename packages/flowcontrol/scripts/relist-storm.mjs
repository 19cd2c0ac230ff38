#!/usr/bin/env node
// Regenerates the relist-storm assets from the full-size simulation:
//   docs/flowcontrol-relist-storm.svg and the numbers in docs/flowcontrol.md (this package's docs/)
// Run after `npx tsc -b packages/flowcontrol`:  node packages/flowcontrol/scripts/relist-storm.mjs
// test/relist-storm.test.ts fails when the committed assets differ from a fresh run.
import { readFileSync, writeFileSync } from 'node:fs';
import { simulateRelistStorm } from '../dist/internal/relist-storm.js';
import { relistStormTable } from '../dist/internal/relist-storm-report.js';
import { renderRelistStormSvg } from '../dist/internal/relist-storm-svg.js';

const docs = new URL('../docs/', import.meta.url);
const results = [simulateRelistStorm({ policy: 'fixed' }), simulateRelistStorm({ policy: 'dynamic' }), simulateRelistStorm({ policy: 'dynamic-jitter' })];
writeFileSync(new URL('flowcontrol-relist-storm.svg', docs), renderRelistStormSvg(results, 'Relist storm: 5 000 clients re-list after a restart, server capacity 200 requests/s'));

const guide = new URL('flowcontrol.md', docs);
const text = readFileSync(guide, 'utf8');
const begin = '<!-- relist-storm:begin -->\n';
const end = '<!-- relist-storm:end -->';
const from = text.indexOf(begin);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`docs/flowcontrol.md lacks the ${begin.trim()} … ${end} markers`);
writeFileSync(guide, text.slice(0, from + begin.length) + relistStormTable(results) + text.slice(to));
for (const r of results) console.log(r.policy, r.rejected, r.recoverySeconds, r.longestSecondsWithoutAdmission, r.controlPlaneServedRatio, r.capacityShare);
