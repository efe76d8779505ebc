/**
 * One queue per process: TeX runs are bounded with p-limit (default: the number of cores), and
 * requests for a figure already in flight share its promise, so a figure compiles once.
 */
import { availableParallelism } from 'node:os';
import pLimit, { type LimitFunction } from 'p-limit';

let limit: LimitFunction | null = null;
const inFlight = new Map<string, Promise<unknown>>();
let started = 0;

/** How many figures this process has started to compile (for the plugin's and bench's reports). */
export function tasksStarted(): number {
  return started;
}

/** Sets the number of TeX runs that may go at once (applies to later requests). */
export function setConcurrency(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${n}`);
  if (!limit || limit.concurrency !== n) limit = pLimit(n);
}

/** The number of TeX runs that may go at once. */
export function concurrency(): number {
  limit ??= pLimit(availableParallelism());
  return limit.concurrency;
}

/** Runs `task` within the process-wide bound on TeX runs. */
export function limited<T>(task: () => Promise<T>): Promise<T> {
  limit ??= pLimit(availableParallelism());
  return limit(task);
}

/** Runs `task` for `key` once: a second request while it runs gets the same promise. */
export function runOnce<T>(key: string, task: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key);
  if (running) return running as Promise<T>;
  started += 1;
  const promise = task().finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}
