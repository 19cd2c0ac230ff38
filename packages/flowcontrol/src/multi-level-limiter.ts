import { badArgument as fail, type Clock, fraction, monotonicClock, positiveNumber } from '@apiserver-kit/core';
import { RuleIndex } from './internal/rule-index.js';
import { type AttributeMatch, type AttributePredicate, compileMatch, isReadOnlyVerb, type RequestAttributes } from './request-attributes.js';
import { CongestionRetryAfter, type RetryAfterPolicy } from './retry-after.js';
import { TokenBucket } from './token-bucket.js';

/** A bucket to create: rate and capacity (the limiter's clock is used). */
export interface BucketLimit {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** The capacity in tokens. */
  readonly burst: number;
}

/** One rule of a {@link LimitLevel}: requests it matches share its bucket. */
export interface LimitRule {
  /** Names the rule in decisions, 429 messages and metrics. */
  readonly name: string;
  /** Which requests the rule applies to (a list: any of them). */
  readonly match: AttributeMatch | readonly AttributeMatch[];
  /** The rule's bucket: a shared {@link TokenBucket} or the limit to create one with. */
  readonly limit: TokenBucket | BucketLimit;
  /** Tokens each request takes. @default 1 */
  readonly tokens?: number | undefined;
}

/** A level of rules; within a level the first matching rule applies, and a request matching none passes the level. */
export interface LimitLevel {
  /** Names the level in decisions, 429 messages and metrics (e.g. `user-agent`, `resource`, `verb`). */
  readonly name: string;
  /** The rules, in order. */
  readonly rules: readonly LimitRule[];
}

/**
 * A priority class: requests it matches may take each bucket down to
 * `reserve × burst` tokens. Give the control plane's components a lower
 * reserve than everyone else, so they are served first when buckets run low.
 */
export interface PriorityClass {
  /** The class name. */
  readonly name: string;
  /** Which requests belong to the class (a list: any of them). */
  readonly match: AttributeMatch | readonly AttributeMatch[];
  /** The fraction of every bucket the class may not use (0 = may empty it). */
  readonly reserve: number;
}

/** Options of {@link MultiLevelLimiter}. */
export interface MultiLevelLimiterOptions {
  /** Level `global`, rule `read-only`: every `get`/`list`/`watch` takes a token. @default no limit */
  readonly readOnly?: TokenBucket | BucketLimit | undefined;
  /** Level `global`, rule `mutating`: every other verb takes a token. @default no limit */
  readonly mutating?: TokenBucket | BucketLimit | undefined;
  /** Further levels, each applied in order after `global`. @default [] */
  readonly levels?: readonly LimitLevel[] | undefined;
  /** Requests that skip every level (e.g. `{ groups: 'system:masters' }`). @default none */
  readonly exempt?: AttributeMatch | readonly AttributeMatch[] | undefined;
  /** Priority classes, checked in order; the first match applies. @default [] */
  readonly priorities?: readonly PriorityClass[] | undefined;
  /** The reserve of requests in no priority class. @default 0.1 when `priorities` are given, else 0 */
  readonly reserve?: number | undefined;
  /** The Retry-After of rejections. @default a {@link CongestionRetryAfter} on the limiter's clock */
  readonly retryAfter?: RetryAfterPolicy | undefined;
  /** Where time comes from. @default {@link monotonicClock} */
  readonly clock?: Clock | undefined;
}

/** An admitted request: the limiter has taken its tokens. */
export interface LimitAllowed {
  readonly allowed: true;
  /** Whether the request was exempt (took no tokens). */
  readonly exempt: boolean;
}

/** A rejected request: nothing was taken; answer 429 with `retryAfterSeconds`. */
export interface LimitRejected {
  readonly allowed: false;
  /** The level that rejected (`global` for the read-only/mutating buckets). */
  readonly level: string;
  /** The rule that rejected. */
  readonly rule: string;
  /** The Retry-After from the limiter's policy. */
  readonly retryAfterSeconds: number;
  /** The 429 message, naming the rule and level. */
  readonly message: string;
}

/** The result of {@link MultiLevelLimiter.decide}. */
export type LimitDecision = LimitAllowed | LimitRejected;

interface CompiledRule {
  readonly level: string;
  readonly name: string;
  readonly bucket: TokenBucket;
  readonly tokens: number;
}

const ALLOWED: LimitAllowed = Object.freeze({ allowed: true, exempt: false });
const EXEMPT: LimitAllowed = Object.freeze({ allowed: true, exempt: true });

/**
 * Token-bucket limits at several levels. A request must pass every level that
 * applies to it — `global` (read-only or mutating), then each of `levels`, where
 * the first matching rule applies — and its tokens are taken all or nothing: a
 * rejection at level 3 takes nothing at levels 1–2. Exempt requests skip the
 * levels; priority classes decide how deep into each bucket a request may go.
 *
 * Costs: one clock read per decision; rules are indexed per level (exact
 * values in a Map, prefix globs by prefix), so finding a level's first matching
 * rule costs a few Map lookups however many rules it has — only rules whose
 * patterns are all inner globs (`*-controller`), or that match on `groups` or
 * `isLongRunning` alone, are tried one by one. An admitted decision allocates
 * nothing but the prefix slices of the lookup (it returns a shared frozen
 * object); a rejection allocates its decision.
 */
export class MultiLevelLimiter {
  readonly #clock: Clock;
  readonly #retryAfter: RetryAfterPolicy;
  readonly #readOnly: CompiledRule | undefined;
  readonly #mutating: CompiledRule | undefined;
  readonly #levels: readonly RuleIndex<CompiledRule>[];
  readonly #rules: readonly CompiledRule[];
  readonly #exempt: AttributePredicate | undefined;
  readonly #priorities: RuleIndex<number>;
  readonly #reserve: number;
  // Scratch for the all-or-nothing take: rules that passed their check.
  readonly #passed: CompiledRule[] = [];

  /** @throws TypeError / RangeError naming the option that is invalid. */
  constructor(options: MultiLevelLimiterOptions = {}) {
    this.#clock = options.clock ?? monotonicClock;
    this.#retryAfter = options.retryAfter ?? new CongestionRetryAfter({ clock: this.#clock });
    const bucket = (limit: TokenBucket | BucketLimit): TokenBucket =>
      limit instanceof TokenBucket ? limit : new TokenBucket({ ratePerSecond: limit.ratePerSecond, burst: limit.burst, clock: this.#clock });
    this.#readOnly = options.readOnly === undefined ? undefined : { level: 'global', name: 'read-only', bucket: bucket(options.readOnly), tokens: 1 };
    this.#mutating = options.mutating === undefined ? undefined : { level: 'global', name: 'mutating', bucket: bucket(options.mutating), tokens: 1 };
    const rules: CompiledRule[] = [];
    this.#levels = (options.levels ?? []).map((level) => {
      if (typeof level?.name !== 'string') fail('levels[].name', 'a string', level?.name);
      return new RuleIndex(
        level.rules.map((rule) => {
          if (typeof rule?.name !== 'string') fail('rules[].name', 'a string', rule?.name);
          const compiled: CompiledRule = { level: level.name, name: rule.name, bucket: bucket(rule.limit), tokens: positiveNumber('tokens', rule.tokens ?? 1) };
          // A rule asking for more than its bucket holds would reject every request it matches.
          if (compiled.tokens > compiled.bucket.burst) fail('tokens', `a number no larger than the rule's burst (${compiled.bucket.burst})`, compiled.tokens, RangeError);
          rules.push(compiled);
          return { match: rule.match, value: compiled };
        }),
      );
    });
    this.#rules = rules;
    this.#exempt = options.exempt === undefined ? undefined : compileMatch(options.exempt);
    const priorities = options.priorities ?? [];
    this.#priorities = new RuleIndex(priorities.map((priority) => ({ match: priority.match, value: fraction('reserve', priority.reserve) })));
    this.#reserve = fraction('reserve', options.reserve ?? (priorities.length > 0 ? 0.1 : 0));
  }

  /** The clock of this limiter: read it once per request and pass `now` to every decision. */
  get clock(): Clock {
    return this.#clock;
  }

  /** The buckets by `level/rule` name, for metrics (do not take from them). */
  buckets(): Map<string, TokenBucket> {
    const map = new Map<string, TokenBucket>();
    for (const rule of [this.#readOnly, this.#mutating, ...this.#rules]) {
      if (rule !== undefined) map.set(`${rule.level}/${rule.name}`, rule.bucket);
    }
    return map;
  }

  /**
   * Decides one request and, when it is allowed, takes its tokens at every level.
   *
   * @param now the current time from this limiter's clock, when already read; a
   *   `now` that is not a finite number (NaN, ±Infinity) is a bad clock reading
   *   and is ignored — each bucket uses its last good reading, so it neither
   *   refills nor freezes (see {@link TokenBucket})
   */
  decide(attributes: RequestAttributes, now: number = this.#clock.now()): LimitDecision {
    if (this.#exempt !== undefined && this.#exempt(attributes)) return EXEMPT;
    const reserve = this.#priorities.size === 0 ? this.#reserve : (this.#priorities.find(attributes) ?? this.#reserve);
    const passed = this.#passed;
    passed.length = 0;
    const global = isReadOnlyVerb(attributes.verb) ? this.#readOnly : this.#mutating;
    if (global !== undefined) {
      if (!global.bucket.canTake(1, reserve * global.bucket.burst, now)) return this.#reject(global, now);
      passed.push(global);
    }
    for (const level of this.#levels) {
      const rule = level.find(attributes);
      if (rule === undefined) continue;
      if (!rule.bucket.canTake(rule.tokens, reserve * rule.bucket.burst, now)) return this.#reject(rule, now);
      passed.push(rule);
    }
    // Every check passed, and nothing ran in between: take for real.
    for (const rule of passed) rule.bucket.consume(rule.tokens, now);
    return ALLOWED;
  }

  #reject(rule: CompiledRule, now: number): LimitRejected {
    this.#passed.length = 0;
    return {
      allowed: false,
      level: rule.level,
      rule: rule.name,
      retryAfterSeconds: this.#retryAfter.retryAfterSeconds({ bucket: rule.bucket, tokens: rule.tokens, now }),
      message: `Too many requests: limit "${rule.name}" of level "${rule.level}" exceeded, please try again later.`,
    };
  }
}
