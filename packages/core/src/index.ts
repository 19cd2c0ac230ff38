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
export { FakeClock, monotonicClock, sleep, systemClock } from './clock.js';
export type { Clock, Timer, TimerOptions } from './clock.js';
export {
  alreadyExists,
  badRequest,
  conflict,
  CONFLICT_MESSAGE,
  CONTINUE_EXPIRED_MESSAGE,
  expired,
  fieldErrorBody,
  INCONSISTENT_CONTINUE_MESSAGE,
  internalError,
  invalid,
  isStatusError,
  LIST_TOO_OLD_MESSAGE,
  notAcceptable,
  notFound,
  requestEntityTooLarge,
  STATUS_REASONS,
  StatusError,
  timeout,
  tooLargeResourceVersion,
  tooManyRequests,
  tooOldResourceVersion,
  unsupportedMediaType,
  WATCH_TOO_OLD_MESSAGE,
} from './status-error.js';
export type { FieldError, FieldErrorType, Status, StatusCause, StatusDetails, StatusErrorOptions, StatusListMeta, StatusReason } from './status-error.js';
export { ITERATOR_DONE, WaiterQueue } from './waiter-queue.js';
