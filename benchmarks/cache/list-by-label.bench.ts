/**
 * list by label: 1 % of 100 k pods selected by `group=g7`, from a label index
 * against the best scan (a direct comparison per pod, no allocation).
 */
import { labelIndex, parseLabelSelector, SelectionPredicate } from '@apiserver-kit/cache';
import { formatRatio } from '../lib/format.js';
import { type RunOptions, type Suite, type SuiteResult, ratioTarget } from '../lib/harness.js';
import { cachePods } from './cache-fixture.js';
import { checkSelective, measureSelective, type Selection } from './selective-table.js';

const SELECTION: Selection = {
  selector: 'group=g7',
  predicate: new SelectionPredicate(parseLabelSelector('group=g7')),
  index: labelIndex('group'),
  read: (object) => object.metadata?.labels?.['group'],
  value: 'g7',
  attributes: (object) => ({ ...object.metadata?.labels }),
  attribute: 'group',
};

export const cacheListByLabelSuite: Suite = {
  name: 'cache/list-by-label',
  title: 'list by label selector',
  measures:
    'One LIST with label selector `group=g7` (1 % of the pods: the shared pod with a `group` label of 100 values) from a `WatchCache` with a label index, ' +
    'against the same cache without it, scans of a `Map` (one comparison per pod; or a copy of the labels per pod, as `labels.Set(pod.Labels)`), ' +
    'and `@kubernetes/client-node`\'s informer cache filtered by the caller. The floor is a bare `Map` of value → pods.',

  async check(): Promise<void> {
    await checkSelective(cachePods(1_000), SELECTION);
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const n = options.smoke ? 2_000 : 100_000;
    const { table, bestScan, vsBestScan, note } = await measureSelective(cachePods(n), SELECTION, options);
    return {
      tables: [table],
      targets: [ratioTarget(`index ≥ 50× faster than the best scan (${bestScan.name}) at ${n.toLocaleString('en-US')} pods`, vsBestScan, { atLeast: 50 }, formatRatio)],
      notes: [note],
    };
  },
};
