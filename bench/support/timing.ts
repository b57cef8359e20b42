import { performance } from 'node:perf_hooks';

/** Best of `rounds` runs, in milliseconds: the minimum is the least disturbed by GC and JIT warm-up. */
export function bestOf(rounds: number, run: () => void): number {
  let fastest = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}
