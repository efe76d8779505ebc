/**
 * One compile queue per process: concurrency bounded with p-limit (default: the number of cores),
 * and requests for a key already in flight share its promise, so a key compiles once.
 */
import { availableParallelism } from 'node:os';
import pLimit, { type LimitFunction } from 'p-limit';

let limit: LimitFunction | null = null;
const inFlight = new Map<string, Promise<unknown>>();
let started = 0;

/** How many tasks this process has started (compilations, for the plugin's and bench's reports). */
export function tasksStarted(): number {
  return started;
}

/** Sets the number of compilations that may run at once (applies to later requests). */
export function setConcurrency(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${n}`);
  if (!limit || limit.concurrency !== n) limit = pLimit(n);
}

/** Runs `task` for `key` once at a time per key and within the process-wide bound. */
export function runOnce<T>(key: string, task: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key);
  if (running) return running as Promise<T>;
  limit ??= pLimit(availableParallelism());
  const promise = limit(() => {
    started += 1;
    return task();
  }).finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}
