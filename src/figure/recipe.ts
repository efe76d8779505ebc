/**
 * The layer recipe of a model whose layers differ: the shortest repeating period of its layers,
 * written as nested repeats ("12 × (3 × Gated DeltaNet → MoE, 1 × Gated attention → MoE)"), set
 * in monospace like the gallery's "3:1 Ratio" lists.
 */
import type { ArchJson } from '../schema/arch-json.js';
import { mixerKey, mixerKinds, singleMixer } from './spine.js';
import { isStateMixer } from '../arch/mixers.js';

type Layer = ArchJson['layers'][number];

/** What a layer is, in a few words: its mixer, then its FFN. */
function layerName(arch: ArchJson, l: Layer): string {
  const a = l.attention;
  // Nemotron-H: one mixer a layer.
  if (singleMixer(arch)) return mixerKinds(arch).find((k) => k.key === mixerKey(l))!.name;
  let mixer: string;
  if (a.kind === 'gated_deltanet') mixer = 'Gated DeltaNet';
  else if (a.kind === 'short_conv') mixer = 'Short conv';
  else if (a.kind === 'mamba') mixer = 'Mamba';
  else if (a.kind === 'lightning') mixer = 'Lightning';
  else if (a.kind === 'kda') mixer = 'KDA';
  else if (a.kind === 'mlstm') mixer = 'mLSTM';
  // Beside linear layers (Ling 2.5, Kimi K3), MLA by its name.
  else if (a.kind === 'mla' && arch.flags.linear_attention_hybrid) mixer = arch.flags.output_gate ? 'Gated MLA' : 'MLA';
  else if (a.kind === 'dsv4') mixer = a.compress_ratio ? `attention 1:${a.compress_ratio}${a.indexer ? ' + indexer' : ''}` : 'window attention';
  // Motif: MLA with sliding windows on some layers.
  else if (a.kind === 'mla' && arch.layers.some((x) => x.attention.window !== null)) mixer = a.window !== null ? 'Sliding MLA' : 'Global MLA';
  else if (arch.flags.output_gate) mixer = a.kind === 'mla' ? 'Gated MLA' : 'Gated attention';
  else if (a.window !== null) mixer = 'Sliding window';
  else if (a.chunk !== null) mixer = 'Chunked';
  else mixer = arch.layers.some((x) => x.attention.window !== null || x.attention.chunk !== null) ? 'Global' : 'Attention';
  if (!a.rope && !isStateMixer(a.kind) && arch.layers.some((x) => x.attention.rope)) mixer += ' (NoPE)';
  if (a.kv_source !== undefined) mixer += ' (KV shared)';
  const ffn = l.ffn.kind === 'dense' ? (l.ffn.double_wide ? 'wide FFN' : 'dense FFN') : l.ffn.routing === 'hash' ? 'MoE (hash)' : 'MoE';
  return `${mixer} → ${ffn}`;
}

/** Run-length groups of consecutive equal names. */
function groups(names: string[]): { name: string; n: number }[] {
  const out: { name: string; n: number }[] = [];
  for (const name of names) {
    const last = out[out.length - 1];
    if (last && last.name === name) last.n += 1;
    else out.push({ name, n: 1 });
  }
  return out;
}

/**
 * The recipe, or null when all layers are alike or nothing repeats usefully. Layers before the
 * first period (a dense prefix) are listed first.
 */
export function layerRecipe(arch: ArchJson): { heading: string; lines: string[] } | null {
  const names = arch.layers.map((l) => layerName(arch, l));
  if (new Set(names).size < 2) return null;
  return tiled(names) ?? twoTiled(names);
}

/** `n × (period)` lines of a run of layers that a short period tiles at least twice, or null. */
function periodLines(names: string[]): string[] | null {
  for (let p = 1; p <= Math.min(12, names.length / 2); p++) {
    if (names.length % p !== 0 || !names.every((n, i) => n === names[i % p])) continue;
    const period = groups(names.slice(0, p));
    if (period.length === 1) return [`${names.length} × ${period[0]!.name}`];
    return [`${names.length / p} × (`, ...period.map((g) => `  ${g.n} × ${g.name}`), ')'];
  }
  return null;
}

/** Two runs, each tiled by its own period (Gemma 4 E2B: 3 × (4 sliding, 1 global), then the same
 * with shared keys and values), or null. */
function twoTiled(names: string[]): { heading: string; lines: string[] } | null {
  for (let split = 2; split <= names.length - 2; split++) {
    const first = periodLines(names.slice(0, split));
    const second = first && names[split] !== names[split - 1] ? periodLines(names.slice(split)) : null;
    if (first && second) return { heading: 'Layer recipe', lines: [...first, ...second] };
  }
  return null;
}

function tiled(names: string[]): { heading: string; lines: string[] } | null {
  // A prefix (dense layers first) then a period that tiles the rest, possibly cut short at the end.
  for (let prefix = 0; prefix <= Math.min(8, names.length - 2); prefix++) {
    const rest = names.slice(prefix);
    for (let p = 1; p <= Math.min(12, rest.length / 2); p++) {
      if (!rest.every((n, i) => n === rest[i % p])) continue;
      const period = groups(rest.slice(0, p));
      if (period.length < 2 && prefix === 0) continue;
      const reps = Math.floor(rest.length / p);
      const tail = rest.length - reps * p;
      const lines: string[] = [];
      for (const g of groups(names.slice(0, prefix))) lines.push(`${g.n} × ${g.name}`);
      if (period.length === 1) lines.push(`${reps * p} × ${period[0]!.name}`);
      else {
        lines.push(`${reps} × (`);
        for (const g of period) lines.push(`  ${g.n} × ${g.name}`);
        lines.push(')');
      }
      for (const g of groups(rest.slice(reps * p, reps * p + tail))) lines.push(`${g.n} × ${g.name}`);
      const counts = period.map((g) => g.n);
      // A ratio is what readers quote for linear/full hybrids ("3:1"); elsewhere it says nothing.
      const linear = period.some((g) => g.name.startsWith('Gated DeltaNet') || g.name.startsWith('Short conv') || g.name.startsWith('Mamba') || g.name.startsWith('Lightning') || g.name.startsWith('KDA'));
      const heading = period.length === 2 && linear ? `Layer recipe (${counts[0]}:${counts[1]})` : 'Layer recipe';
      return { heading, lines };
    }
  }
  return null;
}
