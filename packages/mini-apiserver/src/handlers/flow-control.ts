/**
 * Flow control in front of every request: who is asking (there is no
 * authentication here: a bearer token is read as the user name, and an
 * `Impersonate-User` header wins), what they ask (verb, resource, namespace,
 * long-running), and the gates of `@apiserver-kit/flowcontrol` — by default
 * API Priority and Fairness with Kubernetes' suggested levels and schemas,
 * where every `system:` user but `system:anonymous` (the host's own
 * components among them) is exempt.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '@apiserver-kit/core';
import {
  createHttpAdmission,
  createWorkEstimator,
  defaultFlowSchemas,
  defaultPriorityLevels,
  type FlowSchema,
  type HttpAdmission,
  type MaxInFlight,
  type MultiLevelLimiter,
  PriorityAndFairness,
  type PriorityAndFairnessOptions,
  type RequestAttributes,
} from '@apiserver-kit/flowcontrol';

/** The flow control of a server: any of the flowcontrol gates, applied in the order limiter, max-in-flight, APF. */
export interface FlowControlOptions {
  /** Token buckets per level (1st gate). @default none */
  readonly limiter?: MultiLevelLimiter | undefined;
  /** Read-only / mutating concurrency (2nd gate). @default none */
  readonly maxInFlight?: MaxInFlight | undefined;
  /**
   * Priority levels with fair queuing (3rd gate): an instance, options for
   * one (its defaults filled in as below), or `false` for none.
   * @default Kubernetes' suggested levels and schemas, `system:` users exempt, LIST cost from the cache's object counts
   */
  readonly priorityAndFairness?: PriorityAndFairness | PriorityAndFairnessOptions | false | undefined;
}

/** The user a request runs as. */
export interface RequestUser {
  readonly user: string;
  readonly groups: readonly string[];
}

/** Kubernetes' anonymous user and group. */
export const ANONYMOUS: RequestUser = Object.freeze({ user: 'system:anonymous', groups: Object.freeze(['system:unauthenticated']) });

/**
 * Who a request runs as: `Impersonate-User` (with `Impersonate-Group`s) if
 * sent, else the bearer token read as a user name, else anonymous. Nothing is
 * verified: this server is for tests and local use.
 */
export function userOf(request: IncomingMessage): RequestUser {
  const impersonated = request.headers['impersonate-user'];
  if (typeof impersonated === 'string' && impersonated !== '') {
    const header = request.headers['impersonate-group'];
    const groups = header === undefined ? [] : (Array.isArray(header) ? header : [header]).flatMap((value) => value.split(',').map((group) => group.trim()));
    return { user: impersonated, groups: [...groups.filter((group) => group !== ''), 'system:authenticated'] };
  }
  const authorization = request.headers.authorization;
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (match !== null) return { user: match[1]!, groups: ['system:authenticated'] };
  return ANONYMOUS;
}

/** Schemas put first: anonymous is no system component; every other `system:` user is (the exempt level). */
function hostFlowSchemas(): FlowSchema[] {
  return [
    { name: 'anonymous', priorityLevel: 'global-default', matchingPrecedence: 1, match: { user: 'system:anonymous' }, distinguisher: 'ByUser' },
    { name: 'system-users', priorityLevel: 'exempt', matchingPrecedence: 2, match: { user: 'system:*' } },
    ...defaultFlowSchemas(),
  ];
}

/**
 * The admission function of a server, or `undefined` when every gate is off.
 * `attributes` reads a request's attributes (the router has parsed them).
 */
export function createFlowControl(
  options: FlowControlOptions | false | undefined,
  clock: Clock,
  attributes: (request: IncomingMessage) => RequestAttributes,
  objectCount: (resource: string, namespace: string | undefined) => number | undefined,
): { readonly admit: HttpAdmission; readonly priorityAndFairness: PriorityAndFairness | undefined } | undefined {
  if (options === false) return undefined;
  const configured = options?.priorityAndFairness;
  let apf: PriorityAndFairness | undefined;
  if (configured instanceof PriorityAndFairness) apf = configured;
  else if (configured !== false) {
    // Defaults per option, not `{ ...defaults, ...configured }`: an option set to `undefined` means unset.
    apf = new PriorityAndFairness({
      ...configured,
      priorityLevels: configured?.priorityLevels ?? defaultPriorityLevels(),
      flowSchemas: configured?.flowSchemas ?? hostFlowSchemas(),
      workEstimator: configured?.workEstimator ?? createWorkEstimator({ objectCount }),
      clock: configured?.clock ?? clock,
    });
  }
  if (options?.limiter === undefined && options?.maxInFlight === undefined && apf === undefined) return undefined;
  const admit = createHttpAdmission({ attributes, limiter: options?.limiter, maxInFlight: options?.maxInFlight, priorityAndFairness: apf });
  return { admit, priorityAndFairness: apf };
}
