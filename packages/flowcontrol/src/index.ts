export { Backoff, retryAfterOf, retryWithBackoff } from './backoff.js';
export type { BackoffOptions, RetryOptions } from './backoff.js';
// The clock lives in @apiserver-kit/core; flowcontrol's default is its monotonicClock.
export { FakeClock, monotonicClock, systemClock } from '@apiserver-kit/core';
export type { Clock, Timer, TimerOptions } from '@apiserver-kit/core';
export { createHttpAdmission, writeTooManyRequests } from './http-admission.js';
export type { HttpAdmission, HttpAdmissionOptions, HttpAdmitted } from './http-admission.js';
export { MaxInFlight } from './max-in-flight.js';
export type { InFlightSlot, MaxInFlightOptions } from './max-in-flight.js';
export { MultiLevelLimiter } from './multi-level-limiter.js';
export type { BucketLimit, LimitAllowed, LimitDecision, LimitLevel, LimitRejected, LimitRule, MultiLevelLimiterOptions, PriorityClass } from './multi-level-limiter.js';
export { defaultFlowSchemas, defaultPriorityLevels, PriorityAndFairness } from './priority-and-fairness.js';
export type {
  Admission,
  AdmissionRejected,
  AdmissionResult,
  AdmitOptions,
  FlowDistinguisher,
  FlowSchema,
  PriorityAndFairnessOptions,
  PriorityLevel,
  PriorityLevelStats,
  RejectionReason,
} from './priority-and-fairness.js';
export { compileMatch, isReadOnlyVerb } from './request-attributes.js';
export type { AttributeMatch, AttributePredicate, Pattern, RequestAttributes } from './request-attributes.js';
export { CongestionRetryAfter, fixedRetryAfter, WaitTimeRetryAfter } from './retry-after.js';
export type { CongestionRetryAfterOptions, Rejection, RetryAfterPolicy, RetryAfterStep, WaitTimeRetryAfterOptions } from './retry-after.js';
export { TokenBucket } from './token-bucket.js';
export type { TokenBucketOptions } from './token-bucket.js';
export { TOO_MANY_REQUESTS_MESSAGE, TooManyRequestsError, tooManyRequestsStatus } from './too-many-requests.js';
export type { TooManyRequestsStatus } from './too-many-requests.js';
export { createWorkEstimator } from './work-estimate.js';
export type { WorkEstimator, WorkEstimatorOptions } from './work-estimate.js';
