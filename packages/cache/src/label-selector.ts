/**
 * Label selectors: Kubernetes' grammar and error messages, an empty fast path,
 * allocation-free matching, and the introspection an index planner needs.
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ <set-based> | <exact-match> | <ordinal> ]
 *   <set-based>   ::= ("in" | "notin") "(" [ VALUE { "," [ VALUE ] } ] ")"
 *   <exact-match> ::= ("=" | "==" | "!=") VALUE
 *   <ordinal>     ::= (">" | "<") INTEGER
 */
import { badRequest } from '@apiserver-kit/codec';
import type { StatusError } from '@apiserver-kit/codec';
import { compareBytewise, goQuote } from './internal/go-format.js';
import { scanSelector, Tok } from './internal/selector-lexer.js';
import type { TokenKind, TokenStream } from './internal/selector-lexer.js';
import { aggregateMessage, LabelRequirement, requirementErrors } from './label-requirement.js';
import type { LabelOperator, LabelSet } from './label-requirement.js';
import { validateLabelKey } from './label-validation.js';

const EMPTY: readonly LabelRequirement[] = Object.freeze([]);

/**
 * A parsed label selector: the AND of its requirements, sorted by key (stable)
 * as Kubernetes sorts them. Immutable and shareable between watchers.
 *
 * Matching takes the object's label record ({@link LabelSet}), not an accessor
 * object: the labels of a deep-frozen object version *are* its
 * `metadata.labels`, so a store holds them at no cost, and a match is a loop
 * of property reads — no map built per object, no callback per requirement.
 */
export class LabelSelector {
  /** Matches everything; `isEmpty`. Its `matches` never reads the labels. */
  static readonly everything: LabelSelector = new LabelSelector(EMPTY, false);
  /** Matches nothing (Kubernetes' `labels.Nothing()`); not empty; renders as `""`. */
  static readonly nothing: LabelSelector = new LabelSelector(EMPTY, true);

  /** The requirements, sorted by key (byte-wise, stable). Frozen. */
  readonly requirements: readonly LabelRequirement[];
  /** Whether the selector selects everything: then callers skip matching altogether. */
  readonly isEmpty: boolean;
  readonly #matchesNothing: boolean;
  #text: string | undefined;

  private constructor(requirements: readonly LabelRequirement[], matchesNothing: boolean) {
    this.requirements = requirements;
    this.#matchesNothing = matchesNothing;
    this.isEmpty = requirements.length === 0 && !matchesNothing;
  }

  /**
   * A selector of the given requirements (sorted by key; the empty list gives
   * {@link LabelSelector.everything}).
   */
  static fromRequirements(requirements: Iterable<LabelRequirement>): LabelSelector {
    const sorted = [...requirements].sort((a, b) => compareBytewise(a.key, b.key));
    return sorted.length === 0 ? LabelSelector.everything : new LabelSelector(Object.freeze(sorted), false);
  }

  /** A new selector with `requirements` added (this one is unchanged). */
  add(...requirements: LabelRequirement[]): LabelSelector {
    if (this.#matchesNothing) return this;
    return LabelSelector.fromRequirements([...this.requirements, ...requirements]);
  }

  /**
   * Whether `labels` satisfy every requirement. O(requirements); allocates
   * nothing; the empty selector returns `true` without reading `labels`.
   */
  matches(labels: LabelSet): boolean {
    const requirements = this.requirements;
    if (requirements.length === 0) return !this.#matchesNothing;
    for (let i = 0; i < requirements.length; i++) {
      if (!(requirements[i] as LabelRequirement).matches(labels)) return false;
    }
    return true;
  }

  /**
   * The one value the selector requires `key` to have (`key=v`, `key==v` or
   * `key in (v)`), or `undefined`. Unlike Kubernetes, which looks only at the
   * first requirement on `key`, every requirement on `key` is considered.
   */
  requiresExactMatch(key: string): string | undefined {
    const values = this.pinnedValues(key);
    return values !== undefined && values.length === 1 ? values[0] : undefined;
  }

  /**
   * For index planning: the values `key` must take one of — from the
   * `=`/`==`/`in` requirement on `key` with the fewest values — or `undefined`
   * when no requirement pins `key` (then an index on `key` cannot narrow the
   * scan). Never empty. The other requirements still apply: filter the index
   * hits with {@link LabelSelector.matches}. Allocates nothing.
   */
  pinnedValues(key: string): readonly string[] | undefined {
    let best: readonly string[] | undefined;
    for (const requirement of this.requirements) {
      if (requirement.key !== key) continue;
      const op = requirement.operator;
      if ((op === '=' || op === '==' || op === 'in') && (best === undefined || requirement.values.length < best.length)) {
        best = requirement.values;
      }
    }
    return best;
  }

  /** Kubernetes' canonical form: requirements joined by `,` (`""` when empty). Cached. */
  toString(): string {
    this.#text ??= this.requirements.map((r) => r.toString()).join(',');
    return this.#text;
  }
}

/**
 * A selector requiring exactly the given labels (`k=v` each), validated;
 * an empty set gives {@link LabelSelector.everything}.
 *
 * @throws StatusError BadRequest 400 for an invalid key or value.
 */
export function labelSelectorFromSet(set: Readonly<Record<string, string>>): LabelSelector {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(set)) {
    const errors = requirementErrors(key, '=', [value]);
    if (errors.length > 0) throw badRequest(aggregateMessage(errors));
    requirements.push(new LabelRequirement(key, '=', [value]));
  }
  return LabelSelector.fromRequirements(requirements);
}

/**
 * Parses a label selector with Kubernetes' grammar (`labels.Parse`): `=`,
 * `==`, `!=`, `in`, `notin`, `key`, `!key`, `>`/`<` with an integer; spaces,
 * tabs and newlines between tokens; `x in (a,,b)` and `notin ()` hold the empty
 * value. The empty string (or only whitespace) gives
 * {@link LabelSelector.everything}.
 *
 * @throws StatusError BadRequest 400 with Kubernetes' exact message, e.g.
 *   ``unable to parse requirement: found ',', expected: identifier``.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const parser = new Parser(scanSelector(text));
  const requirements = parser.parse();
  return LabelSelector.fromRequirements(requirements);
}

// Thrown inside the parser; turned into a BadRequest at the top.
class SyntaxFailure {
  constructor(readonly message: string) {}
}

const enum Context {
  KeyAndOperator,
  Values,
}

class Parser {
  readonly #kinds: TokenKind[];
  readonly #literals: string[];
  #position = 0;

  constructor(tokens: TokenStream) {
    this.#kinds = tokens.kinds;
    this.#literals = tokens.literals;
  }

  #kind(context: Context): TokenKind {
    const kind = this.#kinds[this.#position] ?? Tok.EndOfString;
    // In value position the keywords are plain words: `x in (in,notin)`.
    return context === Context.Values && (kind === Tok.In || kind === Tok.NotIn) ? Tok.Identifier : kind;
  }

  #literal(): string {
    return this.#literals[this.#position] ?? '';
  }

  #consume(context: Context): [TokenKind, string] {
    const result: [TokenKind, string] = [this.#kind(context), this.#literal()];
    this.#position++;
    return result;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const kind = this.#kind(Context.Values);
      const literal = this.#literal();
      if (kind === Tok.Identifier || kind === Tok.DoesNotExist) {
        try {
          requirements.push(this.#requirement());
        } catch (failure) {
          if (failure instanceof SyntaxFailure) throw fail(`unable to parse requirement: ${failure.message}`);
          throw failure;
        }
        const [next, nextLiteral] = this.#consume(Context.Values);
        if (next === Tok.EndOfString) return requirements;
        if (next === Tok.Comma) {
          const after = this.#kind(Context.Values);
          if (after !== Tok.Identifier && after !== Tok.DoesNotExist) {
            throw fail(`found '${this.#literal()}', expected: identifier after ','`);
          }
        } else {
          throw fail(`found '${nextLiteral}', expected: ',' or 'end of string'`);
        }
      } else if (kind === Tok.EndOfString) {
        return requirements;
      } else {
        throw fail(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  #requirement(): LabelRequirement {
    let [kind, key] = this.#consume(Context.Values);
    let operator: LabelOperator | undefined;
    if (kind === Tok.DoesNotExist) {
      operator = '!';
      [kind, key] = this.#consume(Context.Values);
    }
    if (kind !== Tok.Identifier) throw new SyntaxFailure(`found '${key}', expected: identifier`);
    const keyErrors = validateLabelKey(key);
    // The parser validates the key with a nil field path, which Go prints as <nil>.
    if (keyErrors.length > 0) throw new SyntaxFailure(`<nil>: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
    const next = this.#kind(Context.Values);
    if ((next === Tok.EndOfString || next === Tok.Comma) && operator !== '!') operator = 'exists';
    if (operator === 'exists' || operator === '!') return this.#validated(key, operator, []);

    operator = this.#operator();
    const values = operator === 'in' || operator === 'notin' ? this.#setValues() : this.#exactValue();
    return this.#validated(key, operator, [...values].sort(compareBytewise));
  }

  #validated(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
    const errors = requirementErrors(key, operator, values);
    if (errors.length > 0) throw new SyntaxFailure(aggregateMessage(errors));
    return new LabelRequirement(key, operator, values);
  }

  #operator(): LabelOperator {
    const [kind, literal] = this.#consume(Context.KeyAndOperator);
    switch (kind) {
      case Tok.In: return 'in';
      case Tok.Equals: return '=';
      case Tok.DoubleEquals: return '==';
      case Tok.GreaterThan: return 'gt';
      case Tok.LessThan: return 'lt';
      case Tok.NotIn: return 'notin';
      case Tok.NotEquals: return '!=';
      default: throw new SyntaxFailure(`found '${literal}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  #setValues(): Set<string> {
    const [open, openLiteral] = this.#consume(Context.Values);
    if (open !== Tok.OpenPar) throw new SyntaxFailure(`found '${openLiteral}' expected: '('`);
    const kind = this.#kind(Context.Values);
    const literal = this.#literal();
    if (kind === Tok.Identifier || kind === Tok.Comma) {
      const values = this.#identifierList();
      // Unreachable in practice (the list stops only before ')'), kept for
      // fidelity: Kubernetes names the token after '(' here.
      if (this.#consume(Context.Values)[0] !== Tok.ClosedPar) throw new SyntaxFailure(`found '${literal}', expected: ')'`);
      return values;
    }
    if (kind === Tok.ClosedPar) {
      this.#consume(Context.Values);
      return new Set(['']);
    }
    throw new SyntaxFailure(`found '${literal}', expected: ',', ')' or identifier`);
  }

  #identifierList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const [kind, literal] = this.#consume(Context.Values);
      if (kind === Tok.Identifier) {
        values.add(literal);
        const next = this.#kind(Context.Values);
        if (next === Tok.Comma) continue;
        if (next === Tok.ClosedPar) return values;
        throw new SyntaxFailure(`found '${this.#literal()}', expected: ',' or ')'`);
      } else if (kind === Tok.Comma) {
        if (values.size === 0) values.add(''); // "(,"
        const next = this.#kind(Context.Values);
        if (next === Tok.ClosedPar) {
          values.add(''); // ",)"
          return values;
        }
        if (next === Tok.Comma) {
          this.#consume(Context.Values);
          values.add(''); // ",,"
        }
      } else {
        throw new SyntaxFailure(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  #exactValue(): string[] {
    const next = this.#kind(Context.Values);
    if (next === Tok.EndOfString || next === Tok.Comma) return [''];
    const [kind, literal] = this.#consume(Context.Values);
    if (kind === Tok.Identifier) return [literal];
    throw new SyntaxFailure(`found '${literal}', expected: identifier`);
  }
}

function fail(message: string): StatusError {
  return badRequest(message);
}
