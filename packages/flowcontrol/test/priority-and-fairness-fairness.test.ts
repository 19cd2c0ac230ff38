import { describe, expect, it } from 'vitest';
import { FakeClock, PriorityAndFairness } from '../src/index.js';

// 100 flows (users) share a level of 10 seats; each request executes 10 ms, so the
// level serves 1 000 requests/s. Offered: 2 000 requests/s, 90 % from user-0 and
// 0.1 % from each of the 99 others. Max-min fairness gives each light flow all it
// asks for (2 requests/s, far below an equal split) and the heavy flow the rest.

interface Run {
  readonly sent: number[];
  readonly served: number[];
}

async function saturate(queues: number, handSize: number): Promise<Run> {
  const clock = new FakeClock();
  const apf = new PriorityAndFairness({
    clock,
    serverConcurrencyLimit: 10,
    priorityLevels: [{ name: 'catch-all', queues, handSize, queueLengthLimit: 50 }],
    flowSchemas: [],
  });
  const flows = 100;
  const sent = new Array<number>(flows).fill(0);
  const served = new Array<number>(flows).fill(0);
  const send = (flow: number): void => {
    sent[flow]! += 1;
    void apf.admit({ verb: 'get', user: `user-${flow}` }).then((result) => {
      if (!result.admitted) return;
      served[flow]! += 1;
      clock.setTimer(() => result.release(), 10);
    });
  };
  let seed = 7;
  const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const schedule = (flow: number, periodMs: number): void => {
    const tick = (): void => {
      send(flow);
      clock.setTimer(tick, periodMs * (0.5 + random()));
    };
    clock.setTimer(tick, random() * periodMs);
  };
  schedule(0, 1000 / 1800);
  for (let flow = 1; flow < flows; flow++) schedule(flow, 1000 / (200 / 99));
  for (let ms = 0; ms < 30_000; ms++) {
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { sent, served };
}

/** Max-min fair shares of `capacity` for the demands: water-filling. */
function fairShares(demands: readonly number[], capacity: number): number[] {
  const shares = new Array<number>(demands.length).fill(0);
  let left = capacity;
  let open = demands.map((_, i) => i);
  while (open.length > 0 && left > 1e-9) {
    const equal = left / open.length;
    const satisfied = open.filter((i) => demands[i]! - shares[i]! <= equal);
    if (satisfied.length === 0) {
      for (const i of open) shares[i]! += equal;
      break;
    }
    for (const i of satisfied) {
      left -= demands[i]! - shares[i]!;
      shares[i] = demands[i]!;
    }
    open = open.filter((i) => !satisfied.includes(i));
  }
  return shares;
}

describe('PriorityAndFairness — fairness', () => {
  it('100 flows, one sending 90 %, at saturation: every other flow gets its fair share ±10 %', async () => {
    const { sent, served } = await saturate(64, 6);
    const total = served.reduce((a, b) => a + b, 0);
    const fair = fairShares(sent, total);
    for (let flow = 1; flow < 100; flow++) {
      expect(Math.abs(served[flow]! - fair[flow]!) / fair[flow]!, `user-${flow}: served ${served[flow]} of fair ${fair[flow]!.toFixed(1)}`).toBeLessThanOrEqual(0.1);
    }
    // The level stayed saturated: the heavy flow got the rest, no more.
    expect(total).toBeGreaterThan(29_000 * 0.95);
    expect(served[0]).toBeLessThan(sent[0]! * 0.6);
  });

  it('control: one FIFO queue (no fair queuing) starves the light flows', async () => {
    const { sent, served } = await saturate(1, 1);
    let starved = 0;
    for (let flow = 1; flow < 100; flow++) if (served[flow]! < sent[flow]! * 0.9) starved++;
    expect(starved).toBeGreaterThan(50);
  });
});
