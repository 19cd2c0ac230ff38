// setTimeout (and so systemClock.setTimer) fires at once for a delay above 2^31 − 1 ms
// (24.8 days): a longer wait must be armed in steps of at most this.
export const MAX_TIMER_MS: number = 2 ** 31 - 1;
