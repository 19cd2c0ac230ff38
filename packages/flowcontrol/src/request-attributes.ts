/**
 * What flow control knows about a request: the attributes Kubernetes' request
 * info and authentication produce, and the patterns that rules match them with.
 */

/** The attributes of one request, as the host's authentication and routing found them. */
export interface RequestAttributes {
  /** The authenticated user name, e.g. `system:kube-scheduler`. */
  readonly user?: string | undefined;
  /** The user's groups, e.g. `['system:masters']`. */
  readonly groups?: readonly string[] | undefined;
  /** The `User-Agent` header. */
  readonly userAgent?: string | undefined;
  /** The Kubernetes verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, … */
  readonly verb: string;
  /** The resource, e.g. `pods`. */
  readonly resource?: string | undefined;
  /** The subresource, e.g. `status`. */
  readonly subresource?: string | undefined;
  /** The namespace; absent for cluster-scoped requests. */
  readonly namespace?: string | undefined;
  /** Whether the request is long-running (watch, exec, proxy): excluded from max-in-flight. */
  readonly isLongRunning?: boolean | undefined;
}

/**
 * A pattern: an exact string, or a glob where `*` matches any run of
 * characters (`kubelet/*`, `*-controller`, `system:*`). Prefix globs
 * (`abc*`) compile to `startsWith`; a lone `*` matches anything, even absence.
 */
export type Pattern = string;

/**
 * Matches requests: every field given must match (AND); a field given as an
 * array matches when any of its patterns does (OR). `groups` matches when any
 * of the request's groups matches. An empty object matches every request.
 */
export interface AttributeMatch {
  readonly user?: Pattern | readonly Pattern[] | undefined;
  readonly groups?: Pattern | readonly Pattern[] | undefined;
  readonly userAgent?: Pattern | readonly Pattern[] | undefined;
  readonly verb?: Pattern | readonly Pattern[] | undefined;
  readonly resource?: Pattern | readonly Pattern[] | undefined;
  readonly subresource?: Pattern | readonly Pattern[] | undefined;
  readonly namespace?: Pattern | readonly Pattern[] | undefined;
  readonly isLongRunning?: boolean | undefined;
}

const READ_ONLY_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch', 'proxy']);

/** Whether `verb` only reads (`get`, `list`, `watch`, `proxy`): decides the read-only vs mutating limits. */
export function isReadOnlyVerb(verb: string): boolean {
  return READ_ONLY_VERBS.has(verb);
}

/** A compiled {@link AttributeMatch}. */
export type AttributePredicate = (attributes: RequestAttributes) => boolean;

type StringTest = (value: string | undefined) => boolean;

function compilePattern(pattern: Pattern): StringTest {
  if (typeof pattern !== 'string') {
    throw new TypeError(`Expected \`pattern\` to be a string, got \`${String(pattern)}\` (${typeof pattern})`);
  }
  if (pattern === '*') return () => true;
  const star = pattern.indexOf('*');
  if (star < 0) return (value) => value === pattern;
  if (star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (value) => value !== undefined && value.startsWith(prefix);
  }
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regexp = new RegExp(`^${source}$`, 's');
  return (value) => value !== undefined && regexp.test(value);
}

function compileField(patterns: Pattern | readonly Pattern[]): StringTest {
  const list: readonly Pattern[] = Array.isArray(patterns) ? (patterns as readonly Pattern[]) : [patterns as Pattern];
  const exact = list.every((pattern) => typeof pattern === 'string' && !pattern.includes('*'));
  if (exact && list.length > 3) {
    const set = new Set(list);
    return (value) => value !== undefined && set.has(value);
  }
  const tests = list.map(compilePattern);
  if (tests.length === 1) return tests[0]!;
  return (value) => {
    for (const test of tests) if (test(value)) return true;
    return false;
  };
}

/**
 * Compiles a match (or a list of matches, any of which may match) into a
 * predicate. Compile once, at configuration time: the predicate allocates nothing.
 *
 * @throws TypeError when a pattern is not a string.
 */
export function compileMatch(match: AttributeMatch | readonly AttributeMatch[]): AttributePredicate {
  if (Array.isArray(match)) {
    const predicates = (match as readonly AttributeMatch[]).map((one) => compileMatch(one));
    return (attributes) => {
      for (const predicate of predicates) if (predicate(attributes)) return true;
      return false;
    };
  }
  const one = match as AttributeMatch;
  const checks: AttributePredicate[] = [];
  // One closure per field with a static property read: `attributes[field]` with a
  // variable key is a megamorphic load, 10× slower (flowcontrol/multi-level benchmark).
  if (one.verb !== undefined) {
    const test = compileField(one.verb);
    checks.push((attributes) => test(attributes.verb));
  }
  if (one.resource !== undefined) {
    const test = compileField(one.resource);
    checks.push((attributes) => test(attributes.resource));
  }
  if (one.userAgent !== undefined) {
    const test = compileField(one.userAgent);
    checks.push((attributes) => test(attributes.userAgent));
  }
  if (one.user !== undefined) {
    const test = compileField(one.user);
    checks.push((attributes) => test(attributes.user));
  }
  if (one.subresource !== undefined) {
    const test = compileField(one.subresource);
    checks.push((attributes) => test(attributes.subresource));
  }
  if (one.namespace !== undefined) {
    const test = compileField(one.namespace);
    checks.push((attributes) => test(attributes.namespace));
  }
  if (one.groups !== undefined) {
    const test = compileField(one.groups);
    checks.push((attributes) => {
      const groups = attributes.groups;
      if (groups === undefined) return false;
      for (const group of groups) if (test(group)) return true;
      return false;
    });
  }
  if (one.isLongRunning !== undefined) {
    const wanted = one.isLongRunning;
    checks.push((attributes) => (attributes.isLongRunning === true) === wanted);
  }
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (attributes) => {
    for (const check of checks) if (!check(attributes)) return false;
    return true;
  };
}
