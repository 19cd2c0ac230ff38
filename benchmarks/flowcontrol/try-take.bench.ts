/**
 * TokenBucket.tryTake, admitted and denied, against `limiter`'s
 * `TokenBucket.tryRemoveTokens`, `rate-limiter-flexible`'s
 * `RateLimiterMemory.consume` and a 20-line lazy-refill floor.
 */
import { TokenBucket } from '@apiserver-kit/flowcontrol';
import { TokenBucket as LimiterBucket } from 'limiter';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { formatRatio } from '../lib/format.js';
import { assert, checkTable, measureTable, row, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TaskSpec, ratioTarget } from '../lib/harness.js';
import { FloorBucket } from './floor-bucket.js';

const OPS = 1024;
/** A rate no loop can exhaust: every take is admitted. */
const OPEN = { rate: 1e12, burst: 1e12 };
/** A rate no loop can refill: every take after the first is denied. */
const SHUT = { rate: 1e-6, burst: 1 };

type Mode = 'admitted' | 'denied';

let sink = 0;
const noop = (): void => {};

/** Every implementation, configured for `mode`, must answer `expected` for 1 000 takes in a row. */
function expectRun(take: () => boolean, expected: boolean, what: string): void {
  for (let i = 0; i < 1000; i++) assert(take() === expected, `${what}: take ${i} returned ${String(!expected)}`);
}

function table(mode: Mode): TableSpec {
  const { rate, burst } = mode === 'admitted' ? OPEN : SHUT;
  const expected = mode === 'admitted';
  const floor = new FloorBucket(rate, burst);
  const ours = new TokenBucket({ ratePerSecond: rate, burst });
  const limiter = new LimiterBucket({ bucketSize: Math.min(burst, 1e9), tokensPerInterval: Math.min(rate, 1e9), interval: 'second' });
  // limiter's bucket starts empty; fill it, and drain the others' first token when denying.
  if (mode === 'admitted') limiter.content = limiter.bucketSize;
  else {
    floor.tryTake();
    ours.tryTake();
  }
  const flexible = new RateLimiterMemory({ points: mode === 'admitted' ? 2_000_000_000 : 1, duration: mode === 'admitted' ? 1 : 3600 });
  if (mode === 'denied') void flexible.consume('k').catch(noop);
  const now = performance.now();
  const oursNow = ours.clock.now();

  const tasks: TaskSpec[] = [
    {
      name: 'floor: 20-line lazy refill',
      role: 'floor',
      ops: OPS,
      fn: (ops) => {
        let n = 0;
        for (let i = 0; i < ops; i++) if (floor.tryTake()) n++;
        sink += n;
      },
      check: () => expectRun(() => floor.tryTake(), expected, 'floor'),
    },
    {
      name: 'floor: time passed in',
      role: 'floor',
      ops: OPS,
      fn: (ops) => {
        let n = 0;
        for (let i = 0; i < ops; i++) if (floor.tryTake(now)) n++;
        sink += n;
      },
      check: () => expectRun(() => floor.tryTake(now), expected, 'floor (time passed in)'),
    },
    {
      name: 'TokenBucket.tryTake()',
      role: 'ours',
      ops: OPS,
      fn: (ops) => {
        let n = 0;
        for (let i = 0; i < ops; i++) if (ours.tryTake()) n++;
        sink += n;
      },
      check: () => {
        expectRun(() => ours.tryTake(), expected, 'TokenBucket.tryTake()');
        const small = new TokenBucket({ ratePerSecond: 1e-6, burst: 2 });
        assert(small.tryTake() && small.tryTake() && !small.tryTake(), 'a burst of 2 must admit exactly 2');
      },
    },
    {
      name: 'TokenBucket.tryTake(1, now)',
      role: 'alt',
      ops: OPS,
      fn: (ops) => {
        let n = 0;
        for (let i = 0; i < ops; i++) if (ours.tryTake(1, oursNow)) n++;
        sink += n;
      },
      check: () => expectRun(() => ours.tryTake(1, oursNow), expected, 'TokenBucket.tryTake(1, now)'),
    },
    {
      name: 'limiter 4.1.0 TokenBucket.tryRemoveTokens',
      role: 'peer',
      ops: OPS,
      fn: (ops) => {
        let n = 0;
        for (let i = 0; i < ops; i++) if (limiter.tryRemoveTokens(1)) n++;
        sink += n;
      },
      check: () => {
        expectRun(() => limiter.tryRemoveTokens(1), expected, 'limiter');
        const small = new LimiterBucket({ bucketSize: 2, tokensPerInterval: 1, interval: 'hour' });
        small.content = 2;
        assert(small.tryRemoveTokens(1) && small.tryRemoveTokens(1) && !small.tryRemoveTokens(1), 'limiter: a bucket of 2 must admit exactly 2');
      },
    },
    {
      name: 'rate-limiter-flexible 11.4.0 RateLimiterMemory.consume',
      role: 'peer',
      ops: OPS,
      fn: (ops) => {
        // The promise settles after the sample: its reactions are not timed (this favours the peer).
        if (expected) for (let i = 0; i < ops; i++) void flexible.consume('k');
        else for (let i = 0; i < ops; i++) void flexible.consume('k').catch(noop);
      },
      check: () => assert(flexible.consume('k').catch(noop) instanceof Promise, 'consume must return a promise'),
    },
  ];
  return { title: `tryTake, ${mode} path (${OPS} takes per sample)`, tasks };
}

/** rate-limiter-flexible answers with promises: its correctness gate is asynchronous. */
async function checkFlexible(): Promise<void> {
  const small = new RateLimiterMemory({ points: 2, duration: 3600 });
  await small.consume('a');
  await small.consume('a');
  const denied = await small.consume('a').then(
    () => false,
    () => true,
  );
  assert(denied, 'rate-limiter-flexible: the third consume of 2 points must be denied');
}

export const tryTakeSuite: Suite = {
  name: 'flowcontrol/try-take',
  title: 'token bucket: tryTake, admitted and denied',
  measures:
    'One take from one bucket, 1 024 per sample, on the admitted path (a bucket no loop can drain) and on the denied path (an empty bucket no loop can refill). ' +
    'Every implementation reads its own clock per take, except the rows "time passed in", which reuse one timestamp (a request read once and shared by every level).',

  async check(): Promise<void> {
    await checkFlexible();
    checkTable(table('admitted'));
    checkTable(table('denied'));
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    await checkFlexible();
    const admitted = await measureTable(table('admitted'), options);
    const denied = await measureTable(table('denied'), options);
    const ours = row(admitted, 'ours').medianNs;
    const floor = row(admitted, 'floor: 20-line lazy refill').medianNs;
    const limiter = row(admitted, 'limiter 4.1.0 TokenBucket.tryRemoveTokens').medianNs;
    const passedIn = row(admitted, 'TokenBucket.tryTake(1, now)').medianNs;
    const oursDenied = row(denied, 'ours').medianNs;
    const flexibleDenied = row(denied, 'rate-limiter-flexible 11.4.0 RateLimiterMemory.consume').medianNs;
    return {
      tables: [admitted, denied],
      targets: [
        ratioTarget('tryTake within 1.2× of the floor (admitted)', ours / floor, { atMost: 1.2 }, formatRatio, 'of the floor'),
        ratioTarget('tryTake faster than limiter (admitted)', limiter / ours, { atLeast: 1 }, formatRatio),
        ratioTarget('tryTake with the time passed in ≥ 5× limiter', limiter / passedIn, { atLeast: 5 }, formatRatio),
        ratioTarget('denied path as cheap as the admitted path (≤ 1.2×)', oursDenied / ours, { atMost: 1.2 }, formatRatio, 'of admitted'),
        ratioTarget('denied path ≥ 20× rate-limiter-flexible’s denial', flexibleDenied / oursDenied, { atLeast: 20 }, formatRatio),
      ],
      notes: [
        `limiter's bucket starts empty and is filled before timing; sink ${sink > 0 ? 'live' : 'empty'} keeps the results observable.`,
        'rate-limiter-flexible returns a promise per call; only the synchronous part of `consume` (including creating and settling the promise) is timed.',
      ],
    };
  },
};
