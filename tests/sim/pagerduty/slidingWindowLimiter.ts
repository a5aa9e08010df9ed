/**
 * At most `limit` calls per key in any `windowMs` looking back from now, as PagerDuty
 * counts its Events API limit ("calculated over a 60 second window looking back from the
 * current time"). A refused call is not counted.
 */
export class SlidingWindowLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    public limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts the call and returns true, or returns false when the key is over its limit. */
  admit(key: string, now: number): boolean {
    if (this.limit === Infinity) return true;
    let times = this.calls.get(key);
    if (!times) {
      times = [];
      this.calls.set(key, times);
    }
    while (times.length > 0 && times[0]! <= now - this.windowMs) times.shift();
    if (times.length >= this.limit) return false;
    times.push(now);
    return true;
  }
}
