export {
  badArgument,
  checkDuration,
  checkInteger,
  checkOptions,
  checkSignal,
  fraction,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  received,
} from './arguments.js';
export { BACKGROUND_TIMER, FakeClock, monotonicClock, sleep, systemClock } from './clock.js';
export { MAX_TIMER_DELAY_MS, setLongTimer } from './long-timer.js';
export type { Clock, Timer, TimerOptions } from './clock.js';
export { isStatusError, STATUS_REASONS, StatusError } from './status-error.js';
// Constructors of the reasons the blocks raise, and Kubernetes' messages they use.
export { alreadyExists, badRequest, conflict, expired, fieldErrorBody, internalError, invalid, notAcceptable, notFound } from './status-error.js';
export { requestEntityTooLarge, timeout, tooLargeResourceVersion, tooManyRequests, tooOldResourceVersion, unsupportedMediaType } from './status-error.js';
export { CONFLICT_MESSAGE, CONTINUE_EXPIRED_MESSAGE, INCONSISTENT_CONTINUE_MESSAGE, LIST_TOO_OLD_MESSAGE, WATCH_TOO_OLD_MESSAGE } from './status-error.js';
export type { FieldError, FieldErrorType, Status, StatusCause, StatusDetails, StatusErrorOptions, StatusListMeta, StatusReason } from './status-error.js';
export { ITERATOR_DONE, PullIterator } from './pull-iterator.js';
