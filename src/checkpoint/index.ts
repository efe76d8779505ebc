/**
 * Entry of the `checkpoint` stage: a source (a local checkpoint folder with its config.json, or a
 * Hub repo id) → our `arch.json` and the checkpoint's tensors → a {@link VerifyReport}.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as z from 'zod';
import { HfArchError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { archFromConfig, type ExtractOptions } from '../extract.js';
import { loadConfig } from '../source/load.js';
import { packingOf } from './packing.js';
import { groupDigits } from '../params/expr.js';
import type { ArchJson } from '../schema/arch-json.js';
import { checkpointOfSource, isCheckpointFolder } from './read.js';
import { checkedUnits, verifyCheckpoint, type UnitCheck, type VerifyReport } from './verify.js';

export type { VerifyReport, UnitCheck } from './verify.js';

export interface VerifyResult {
  arch: ArchJson;
  report: VerifyReport;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const reportSchema = z.object({
  source: z.string(),
  commit: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  packing: z.string(),
  ok: z.boolean(),
  units: z.array(z.object({
    id: z.string(), name: z.string(), expected: z.number().int(), found: z.number().int(), ok: z.boolean(),
    tensors: z.array(z.object({ pattern: z.string(), count: z.number().int(), params: z.number().int() })),
    outliers: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), usual: z.array(z.number().int()) })),
  })),
  unclaimed: z.array(z.object({ name: z.string(), params: z.number().int(), why: z.string() })),
  setAside: z.array(z.object({ reason: z.string(), tensors: z.number().int(), stored: z.number().int() })),
  totals: z.object({ expected: z.number().int(), found: z.number().int() }),
});

/**
 * A cached report, or null when it is damaged or does not fit: its key and sha256 must match, it
 * must be a report, and it must be about these units (each expected count the one `arch` has now,
 * each verdict the one its numbers give). A null means the headers are read again.
 */
function cachedReport(text: string, key: string, arch: ArchJson): VerifyReport | null {
  try {
    const entry = JSON.parse(text) as { key?: unknown; sha256?: unknown; report?: unknown };
    if (entry.key !== key || entry.sha256 !== sha256(JSON.stringify(entry.report))) return null;
    const report = reportSchema.parse(entry.report) as VerifyReport;
    const units = checkedUnits(arch);
    const totals = new Map(units.map((u) => [u.id, u.expected]));
    const fits = report.units.length === units.length && report.units.every((u) => totals.get(u.id) === u.expected && u.ok === (u.found === u.expected));
    return fits && report.ok === (report.units.every((u) => u.ok) && report.unclaimed.length === 0) ? report : null;
  } catch {
    return null;
  }
}

/** What a verified figure names: `checkpoint org/name@c1899de`, or `the local checkpoint <folder>`. */
export function verifiedLabel(report: VerifyReport): string {
  return report.commit ? `checkpoint ${report.source.split('@')[0]}@${report.commit.slice(0, 7)}` : `the local checkpoint ${basename(report.source)}`;
}

/**
 * The report of a source whose arch.json is known. A Hub checkpoint's report is kept in
 * `cacheDir/checkpoints/` by repo and commit (a commit's tensors never change), so a second
 * build, or a frozen one, reads no header; a local folder is read every time.
 */
export async function verifyArch(source: string, arch: ArchJson, options: ExtractOptions & { cacheDir?: string; frozen?: boolean } = {}): Promise<VerifyReport> {
  const local = await isCheckpointFolder(source);
  const key = !local && arch.model.commit ? createHash('sha256').update(`${source.split('@')[0]}@${arch.model.commit}\0${arch.model.config_sha256}`).digest('hex') : null;
  const path = key && options.cacheDir ? join(options.cacheDir, 'checkpoints', `${key}.json`) : null;
  if (path) {
    const cached = await readFile(path, 'utf8').then((t) => cachedReport(t, key!, arch), () => null);
    if (cached) return cached;
  }
  if (options.frozen) {
    throw new HfArchError('cache-miss-frozen', `the checkpoint report of ${source} is not in the cache, and frozen mode forbids reading the checkpoint`, {
      location: { file: source },
      hint: 'Build once with verify and without frozen mode, then commit or restore the cache folder.',
    });
  }
  const { config } = await loadConfig(source, options);
  const report = verifyCheckpoint(arch, await checkpointOfSource(source, arch.model, options, local), packingOf(config));
  if (path) await writeFileAtomic(path, `${JSON.stringify({ key, sha256: sha256(JSON.stringify(report)), report })}\n`).catch(() => undefined);
  return report;
}

/**
 * Verifies a model's counts against its checkpoint: a local folder holding config.json and the
 * safetensors files (or only their headers), or a Hub repo read at the commit its config came from.
 */
export async function verifySource(source: string, options: ExtractOptions = {}): Promise<VerifyResult> {
  const loaded = await loadConfig(source, options);
  const arch = archFromConfig(loaded, options);
  return { arch, report: verifyCheckpoint(arch, await checkpointOfSource(source, arch.model, options), packingOf(loaded.config)) };
}

/** The report as text: one line per unit, then what was set aside and what no unit claims. */
export function reportText(arch: ArchJson, report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`${arch.model.name} against ${verifiedLabel(report)}${report.packing !== 'none' ? ` (packed values unpacked as ${report.packing})` : ''}`);
  // The MTP module's units have the names of the main layers' units: say whose they are.
  const scopes = new Map(checkedUnits(arch).map((u) => [u.id, u.scope]));
  const label = (u: UnitCheck) => (scopes.get(u.id) === 'mtp' ? `MTP · ${u.name}` : u.name);
  const w = Math.max(...report.units.map((u) => label(u).length));
  for (const u of report.units) {
    if (u.ok) {
      lines.push(`  ok  ${label(u).padEnd(w)}  ${groupDigits(u.found).padStart(17)}`);
      continue;
    }
    const diff = u.found - u.expected;
    lines.push(`  ✗   ${label(u).padEnd(w)}  expected ${groupDigits(u.expected)}, found ${groupDigits(u.found)} (${diff > 0 ? '+' : ''}${groupDigits(diff)})`);
    for (const t of u.tensors) lines.push(`        ${t.pattern} ×${t.count}: ${groupDigits(t.params)}`);
    for (const o of u.outliers) lines.push(`        odd one: ${o.name} is ${JSON.stringify(o.shape)} where the others are ${JSON.stringify(o.usual)}`);
    if (u.tensors.length === 0) lines.push('        no tensor of the checkpoint belongs to this unit');
  }
  for (const a of report.setAside) lines.push(`  set aside: ${a.reason} (${a.tensors} tensor${a.tensors > 1 ? 's' : ''}, ${groupDigits(a.stored)} stored values)`);
  for (const t of report.unclaimed.slice(0, 50)) lines.push(`  ✗ unclaimed: ${t.name} (${groupDigits(t.params)}): ${t.why}`);
  if (report.unclaimed.length > 50) lines.push(`  ✗ … and ${report.unclaimed.length - 50} more unclaimed tensors`);
  lines.push(`${report.ok ? 'verified' : 'MISMATCH'}: ${groupDigits(report.totals.found)} parameters in the checkpoint, ${groupDigits(report.totals.expected)} counted from the config`);
  return `${lines.join('\n')}\n`;
}
