/**
 * Entry of the `checkpoint` stage: a source (a local checkpoint folder with its config.json, or a
 * Hub repo id) → our `arch.json` and the checkpoint's tensors → a {@link VerifyReport}.
 */
import { stat } from 'node:fs/promises';
import { extract, type ExtractOptions } from '../extract.js';
import { groupDigits } from '../params/expr.js';
import { hubSettings } from '../source/hub-settings.js';
import type { ArchJson } from '../schema/arch-json.js';
import { readHubCheckpoint, readLocalCheckpoint, type Checkpoint } from './read.js';
import { verifyCheckpoint, type VerifyReport } from './verify.js';

export type { VerifyReport, UnitCheck } from './verify.js';

export interface VerifyResult {
  arch: ArchJson;
  report: VerifyReport;
}

const isFolder = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * Verifies a model's counts against its checkpoint: a local folder holding config.json and the
 * safetensors files (or only their headers), or a Hub repo read at the commit its config came from.
 */
export async function verifySource(source: string, options: ExtractOptions = {}): Promise<VerifyResult> {
  const { arch } = await extract(source, options);
  let checkpoint: Checkpoint;
  if (await isFolder(source)) {
    checkpoint = await readLocalCheckpoint(source);
  } else {
    const repo = source.split('@')[0]!;
    const settings = hubSettings(options);
    const revision = arch.model.commit ?? arch.model.revision ?? 'main';
    checkpoint = { ...(await readHubCheckpoint(repo, { revision, endpoint: settings.endpoint, token: settings.token ?? undefined })), commit: arch.model.commit };
  }
  return { arch, report: verifyCheckpoint(arch, checkpoint) };
}

/** The report as text: one line per unit, then what was set aside and what no unit claims. */
export function reportText(arch: ArchJson, report: VerifyReport): string {
  const lines: string[] = [];
  const at = report.commit ? `${report.source.split('@')[0]}@${report.commit.slice(0, 7)}` : report.source;
  lines.push(`${arch.model.name} against ${at}`);
  const w = Math.max(...report.units.map((u) => u.name.length));
  for (const u of report.units) {
    if (u.ok) {
      lines.push(`  ok  ${u.name.padEnd(w)}  ${groupDigits(u.found).padStart(17)}`);
      continue;
    }
    const diff = u.found - u.expected;
    lines.push(`  ✗   ${u.name.padEnd(w)}  expected ${groupDigits(u.expected)}, found ${groupDigits(u.found)} (${diff > 0 ? '+' : ''}${groupDigits(diff)})`);
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
