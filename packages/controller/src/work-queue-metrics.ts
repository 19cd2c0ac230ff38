/**
 * The observations of a work queue, as client-go's workqueue metrics
 * (`workqueue_depth`, `_adds_total`, `_queue_duration_seconds`,
 * `_work_duration_seconds`, `_unfinished_work_seconds`,
 * `_longest_running_processor_seconds`, `_retries_total`), as callbacks a
 * host wires to its metrics library. Durations are milliseconds (client-go
 * reports seconds). Every callback is optional; one that throws is ignored,
 * so a broken exporter never breaks the queue. Each receives the queue's
 * `name` first, so one object can serve every queue of a process.
 */
export interface WorkQueueMetrics {
  /** The number of keys waiting to be processed changed (client-go's depth gauge: keys added and not yet handed out, including those re-queued when their worker finishes). */
  depth?(name: string, depth: number): void;
  /** A key was added that was not already waiting to be processed (de-duplicated adds are not counted). */
  add?(name: string): void;
  /** A key was handed to a worker `ms` after it was added. */
  queueLatency?(name: string, ms: number): void;
  /** A worker finished a key `ms` after it took it. */
  workDuration?(name: string, ms: number): void;
  /**
   * The sum of how long every key in processing has been processing, ms;
   * reported every `metricsUpdatePeriodMs` while a key is processing, and 0
   * once none is. Detects stuck workers.
   */
  unfinishedWork?(name: string, ms: number): void;
  /** How long the longest-running key in processing has been, ms; reported with {@link WorkQueueMetrics.unfinishedWork}. */
  longestRunningProcessor?(name: string, ms: number): void;
  /** `addAfter` (and so `addRateLimited`) was called on a running queue. */
  retry?(name: string): void;
}
