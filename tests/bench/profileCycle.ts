import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';

/** The cycles a bench can profile (VB_BENCH_PROFILE). */
export type ProfiledCycle = 'dry' | 'first' | 'unchanged';

/**
 * Runs `work`; when VB_BENCH_PROFILE (a comma-separated list) names `which`, under the V8 CPU profiler of this
 * process, writing the profile to os.tmpdir() (the bench deletes its own state
 * directory) as `vulnbridge-<which>-<time>.cpuprofile` and printing its path on stderr.
 */
export async function profiled<T>(which: ProfiledCycle, work: () => Promise<T>): Promise<T> {
  if (!(process.env.VB_BENCH_PROFILE ?? '').split(',').includes(which)) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 1 ms sampling (the default is ~1 ms in Node too, set explicitly so profiles compare).
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  // VB_BENCH_ALLOC=1: also where the cycle allocates (sampled every 64 KB, collected objects
  // included: what the garbage collector's share of the CPU profile is spent on).
  const alloc = process.env.VB_BENCH_ALLOC === '1';
  if (alloc) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const stamp = Date.now();
    const file = path.join(os.tmpdir(), `vulnbridge-${which}-${stamp}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`profile of the ${which} cycle: ${file}\n`);
    if (alloc) {
      const { profile: heap } = await session.post('HeapProfiler.stopSampling');
      const heapFile = path.join(os.tmpdir(), `vulnbridge-${which}-${stamp}.heapprofile`);
      writeFileSync(heapFile, JSON.stringify(heap));
      process.stderr.write(`allocation profile of the ${which} cycle: ${heapFile}\n`);
    }
    session.disconnect();
  }
}
