// A host's random source is trusted for spread, not for range: an answer that is NaN,
// negative or above 1 would turn a delay or a Retry-After into NaN, a negative number
// (a retry at once) or an unbounded one. Clamp into [0, 1]; NaN and non-numbers count as 0.
export function unitRandom(random: () => number): number {
  const r = random();
  return typeof r === 'number' && r > 0 ? (r < 1 ? r : 1) : 0;
}
