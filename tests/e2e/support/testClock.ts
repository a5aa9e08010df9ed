/** A clock a test moves by hand: no test waits for real time to pass. */
export interface TestClock {
  now: () => Date;
  advanceMinutes(minutes: number): void;
  /** Qualys date form of the current time (`YYYY-MM-DDTHH:MM:SSZ`). */
  qualysNow(): string;
}

export function testClock(startIso: string): TestClock {
  let ms = Date.parse(startIso);
  return {
    now: () => new Date(ms),
    advanceMinutes(minutes) {
      ms += minutes * 60_000;
    },
    qualysNow: () => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
