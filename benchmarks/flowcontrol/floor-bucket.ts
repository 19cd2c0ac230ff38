/**
 * The floor of the token-bucket suites: the smallest correct lazy-refill bucket
 * (about 20 lines), with no options, no waiters and no validation.
 */
export class FloorBucket {
  readonly #burst: number;
  readonly #perMs: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, burst: number, now: number = performance.now()) {
    this.#burst = burst;
    this.#perMs = ratePerSecond / 1000;
    this.#tokens = burst;
    this.#last = now;
  }

  tryTake(now: number = performance.now()): boolean {
    const tokens = this.#tokens + (now - this.#last) * this.#perMs;
    this.#last = now;
    this.#tokens = tokens > this.#burst ? this.#burst : tokens;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
