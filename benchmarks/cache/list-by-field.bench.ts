/**
 * list by field: the pods of one node (`spec.nodeName`, 10 000 nodes × 10
 * pods), the kubelet's LIST, from a field index against the best scan.
 */
import { fieldIndex, parseFieldSelector, SelectionPredicate } from '@apiserver-kit/cache';
import { formatRatio } from '../lib/format.js';
import { type RunOptions, type Suite, type SuiteResult, ratioTarget } from '../lib/harness.js';
import { cachePods, NODES, nodeName } from './cache-fixture.js';
import { checkSelective, measureSelective, type Selection } from './selective-table.js';

const NODE = nodeName(42);

const SELECTION: Selection = {
  selector: `spec.nodeName=${NODE}`,
  predicate: new SelectionPredicate(undefined, parseFieldSelector(`spec.nodeName=${NODE}`)),
  index: fieldIndex('spec.nodeName'),
  read: (object) => (object as { spec?: { nodeName?: string } }).spec?.nodeName,
  value: NODE,
  attributes: (object) => ({
    'metadata.name': object.metadata?.name ?? '',
    'metadata.namespace': object.metadata?.namespace ?? '',
    'spec.nodeName': (object as { spec?: { nodeName?: string } }).spec?.nodeName ?? '',
  }),
  attribute: 'spec.nodeName',
};

export const cacheListByFieldSuite: Suite = {
  name: 'cache/list-by-field',
  title: 'list by field selector',
  measures:
    `One LIST with field selector \`spec.nodeName=<node>\` over 100 k pods on ${NODES.toLocaleString('en-US')} nodes (10 pods per node: the kubelet's LIST) from a \`WatchCache\` with a field index, ` +
    'against the same cache without it, scans of a `Map` (one comparison per pod; or a field set built per pod, as a `fields.Set` per object), ' +
    'and `@kubernetes/client-node`\'s informer cache filtered by the caller. The floor is a bare `Map` of node → pods.',

  async check(): Promise<void> {
    await checkSelective(cachePods(1_000), SELECTION);
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const n = options.smoke ? 2_000 : NODES * 10;
    const { table, bestScan, vsBestScan, note } = await measureSelective(cachePods(n), SELECTION, options);
    return {
      tables: [table],
      targets: [ratioTarget(`index faster than the best scan (${bestScan.name}) at ${n.toLocaleString('en-US')} pods`, vsBestScan, { atLeast: 1 }, formatRatio)],
      notes: [note],
    };
  },
};
