/**
 * Running TeX and Poppler so that nothing outlives its time: each program starts as the leader of
 * its own process group, with output to files (so a child it leaves behind cannot hold a pipe
 * open), and the whole group is killed at the deadline, on exit of this process, and — through
 * coreutils' `timeout`, where installed — even when this process is killed with SIGKILL. Work
 * folders are named after the process that made them; folders of processes that are gone (a
 * killed build) are removed, with any program still running in them, by the next run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, lstatSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const osSignals = constants.signals as Record<string, number>;
const PREFIX = 'hf-arch-tex-';
const live = new Set<number>();
const folders = new Set<string>();
let exitHookInstalled = false;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous by necessity: 'exit' handlers cannot wait.
  process.on('exit', () => {
    for (const pgid of live) killGroup(pgid);
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let swept = false;

/** Removes the work folders of processes that died without cleaning up, killing what still runs there. */
export function sweepStaleFolders(base = tmpdir()): void {
  if (swept) return;
  swept = true;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!owner || owner === process.pid || alive(owner)) continue;
    const dir = join(base, name);
    try {
      // Only our own folders (a shared /tmp holds other users' too), and never a reason to fail a build.
      if (process.getuid && lstatSync(dir).uid !== process.getuid()) continue;
      for (const pgid of groupsIn(dir)) killGroup(pgid);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // left for another run
    }
  }
}

/** Process groups recorded in a work folder that still run with their working folder inside it (Linux: /proc). */
function groupsIn(dir: string): number[] {
  let recorded: number[];
  try {
    recorded = readFileSync(join(dir, 'groups'), 'utf8').split('\n').map(Number).filter((n) => n > 1);
  } catch {
    return [];
  }
  // A recycled pid must not be killed: only a process whose folder is this one.
  return recorded.filter((pid) => {
    try {
      return realpathSync(`/proc/${pid}/cwd`).startsWith(realpathSync(dir));
    } catch {
      return false;
    }
  });
}

/** A private work folder, removed by {@link removeWorkFolder}, on exit, or by a later run if this one dies. */
export async function makeWorkFolder(): Promise<string> {
  installExitHook();
  sweepStaleFolders();
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  folders.add(dir);
  return dir;
}

export function removeWorkFolder(dir: string): void {
  folders.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

let timeoutProgram: boolean | null = null;
function hasTimeoutProgram(): boolean {
  if (timeoutProgram === null) {
    try {
      execFileSync('timeout', ['--version'], { stdio: 'ignore', timeout: 5000 });
      timeoutProgram = true;
    } catch {
      timeoutProgram = false;
    }
  }
  return timeoutProgram;
}

export interface RunResult {
  exitCode: number | undefined;
  timedOut: boolean;
  /** stdout and stderr together, as written to the log file (capped). */
  output: string;
  /** The program could not be started (ENOENT, EACCES). */
  startError: string | null;
}

/**
 * Runs `program` in `cwd` until it exits or `deadline` (ms since the epoch) passes; then its whole
 * process group is killed. Never rejects: the caller decides what a failure means.
 */
export async function runConfined(program: string, args: string[], options: { cwd: string; env: Record<string, string>; deadline: number; groupsFile: string }): Promise<RunResult> {
  const remaining = Math.max(1, options.deadline - Date.now());
  const seconds = String(Math.ceil(remaining / 1000) + 1);
  const [file, argv] = hasTimeoutProgram() ? ['timeout', ['-s', 'KILL', seconds, program, ...args]] : [program, args];
  const logFile = join(options.cwd, `.${program}-output.txt`);
  // A descriptor of our own, handed to the program as it is: no pipe for a left-behind child to hold open.
  const log = openSync(logFile, 'a');
  // Node's own spawn: the descriptor goes to the program as it is, which execa's typed stdio does not offer.
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log], detached: true });
  const exited = new Promise<{ exitCode: number | undefined; code?: string }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ exitCode: undefined, ...(error.code ? { code: error.code } : {}) }));
    child.once('exit', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 + (osSignals[signal] ?? 0) : undefined) }));
  });
  const pgid = child.pid;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  if (pgid !== undefined) {
    live.add(pgid);
    try {
      writeFileSync(options.groupsFile, `${pgid}\n`, { flag: 'a' });
    } catch {
      // the record only helps a later run clean up
    }
    timer = setTimeout(() => {
      timedOut = true;
      killGroup(pgid);
    }, remaining);
  }
  const result = await exited;
  closeSync(log);
  clearTimeout(timer);
  if (pgid !== undefined) {
    // Whatever it left behind goes with it.
    killGroup(pgid);
    live.delete(pgid);
  }
  const output = (await readFile(logFile, 'utf8').catch(() => '')).slice(-20_000);
  const code = result.code;
  const startError = code === 'ENOENT' || code === 'EACCES' ? code : result.exitCode === 127 && hasTimeoutProgram() && /No such file|cannot run/.test(output) ? 'ENOENT' : null;
  // coreutils' timeout kills with SIGKILL at its own deadline: exit 137, the same as ours.
  return { exitCode: result.exitCode, timedOut: timedOut || (result.exitCode === 137 && Date.now() >= options.deadline - 50), output, startError };
}
