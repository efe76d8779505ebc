/**
 * The per-layer pattern strip: one cell per layer for every property that differs between layers
 * (linear / full attention, sliding / global, NoPE / RoPE, compression ratio, own or shared keys
 * and values, dense / MoE, FFN width, hash / score routing), each row with its legend.
 */
import type { ArchJson } from '../schema/arch-json.js';
import type { Item, Role } from './scene.js';
import { blockSize, plain } from './text.js';
import { SIZE } from './style.js';
import { mixerKey, mixerKinds, singleMixer } from './spine.js';
import { isStateMixer } from '../arch/mixers.js';

interface StripRow {
  name: string;
  values: string[];
  legend: Record<string, string>;
}

const ROW_H = 17;
const CELL_H = 11;

/** Per-layer properties that vary, each a strip of cells. */
export function stripRows(arch: ArchJson): StripRow[] {
  const rows: StripRow[] = [];
  const L = arch.layers;
  const add = (name: string, values: string[], legend: Record<string, string>) => {
    if (new Set(values).size > 1) rows.push({ name, values, legend });
  };
  // Nemotron-H: each layer's one mixer, in the spine box's order.
  if (singleMixer(arch)) {
    const kinds = mixerKinds(arch).slice(0, 4);
    const letter = (l: ArchJson['layers'][number]) => 'ABCD'[kinds.findIndex((k) => k.key === mixerKey(l))]!;
    add('mixer', L.map(letter), Object.fromEntries(kinds.map((k, i) => ['ABCD'[i]!, k.key === 'attention' ? 'attention' : k.name])));
    return rows;
  }
  // Linear mixers against attention: Qwen3-Next's Gated DeltaNet, LFM2's short convolutions.
  const linear = (l: ArchJson['layers'][number]) => isStateMixer(l.attention.kind);
  const some = (kind: string) => L.some((l) => l.attention.kind === kind);
  const linearName = some('short_conv') ? 'gated short conv' : some('mamba') ? 'Mamba' : some('lightning') ? 'lightning (linear)' : some('kda') ? 'Kimi Delta (linear)' : 'Gated DeltaNet (linear)';
  add('attention', L.map((l) => (linear(l) ? 'A' : 'B')), { A: linearName, B: 'full attention' });
  add('window', L.map((l) => (l.attention.window !== null ? 'A' : 'B')), { A: 'sliding window', B: 'global' });
  add('chunks', L.map((l) => (l.attention.chunk !== null ? 'A' : 'B')), { A: 'chunked attention', B: 'global' });
  // Linear-attention layers have no positions at all: only attention layers can differ here.
  const softmaxRope = L.filter((l) => !linear(l)).map((l) => l.attention.rope);
  if (new Set(softmaxRope).size > 1) add('position', L.map((l) => (l.attention.rope ? 'B' : 'A')), { A: 'NoPE', B: 'RoPE' });
  // Compression: one colour per distinct (ratio, indexer) combination, legend from the layers.
  const comboOf = (l: ArchJson['layers'][number]) => `${l.attention.compress_ratio ?? 0}${l.attention.indexer ? '+i' : ''}`;
  const combos = [...new Set(L.map(comboOf))].sort((a, b) => parseInt(a) - parseInt(b));
  const comboLegend = Object.fromEntries(
    combos.slice(0, 4).map((c, i) => {
      const ratio = parseInt(c);
      // DeepSeek-V4.1's ratio 1 caches a latent per token (no pooling).
      return ['ABCD'[i]!, ratio === 0 ? 'window only' : `${ratio === 1 ? 'per token' : `1:${ratio}`}${c.endsWith('+i') ? ' + indexer' : ''}`];
    }),
  );
  if (L.some((l) => l.attention.compress_ratio !== null)) {
    add('compression', L.map((l) => 'ABCD'[Math.min(3, combos.indexOf(comboOf(l)))]!), comboLegend);
    // DeepSeek-V4.1: which layers write the shared compressed cache, and which run an indexer.
    if (L.some((l) => l.attention.compressor_shared !== undefined)) {
      add('KV cache', L.map((l) => (l.attention.compressor_shared === false ? 'A' : l.attention.compressor_shared ? 'B' : 'C')), { A: 'writes the compressed cache', B: 'reads it', C: 'window only' });
      add('indexer', L.map((l) => (l.attention.indexer_shared === false ? 'A' : l.attention.indexer_shared ? 'B' : 'C')), { A: 'own indexer', B: 'reuses a top-k', C: 'none' });
    }
  }
  // MLA + DSA: layers with their own indexer, and layers that reuse the last top-k (linear-attention
  // layers index nothing: GLM-5.3-Flash's indexer row would repeat its attention row, and is left
  // out); MiniMax-M3: sparse layers with an indexer, and dense ones.
  else if (arch.family === 'mla') {
    if (new Set(L.filter((l) => !linear(l)).map((l) => l.attention.indexer)).size > 1) {
      add('indexer', L.map((l) => (linear(l) ? 'C' : l.attention.indexer ? 'A' : 'B')), { A: 'own lightning indexer', B: 'reuses the last top-k', C: 'none (linear attention)' });
    }
  }
  else add('sparsity', L.map((l) => (l.attention.indexer ? 'A' : 'B')), { A: arch.flags.qsa_indexer ? 'QSA indexer' : 'block-sparse (indexer)', B: 'dense attention' });
  // Qwen4-exp: the layers with an n-gram memory.
  add('n-gram', L.map((l) => (l.ngram_memory ? 'A' : 'B')), { A: 'n-gram memory', B: 'none' });
  // Gemma 4 E2B/E4B: layers that read an earlier layer's keys and values, and their wider MLPs.
  add('KV', L.map((l) => (l.attention.kv_source === undefined ? 'A' : 'B')), { A: 'own keys and values', B: 'reuses an earlier layer\'s' });
  add('FFN', L.map((l) => (l.ffn.kind === 'dense' ? 'A' : 'B')), { A: 'dense FFN', B: 'MoE' });
  add('FFN width', L.map((l) => (l.ffn.double_wide ? 'B' : 'A')), { A: 'd_ff', B: 'double width (2 · d_ff)' });
  // Routing differs only where some layers route by hash (dense layers show in the FFN row).
  if (L.some((l) => l.ffn.routing === 'hash')) {
    add('routing', L.map((l) => (l.ffn.routing === 'hash' ? 'A' : l.ffn.routing === 'score' ? 'B' : 'C')), { A: 'hash routing', B: 'learned top-k routing', C: 'dense (no router)' });
  }
  return rows;
}

/** Height of the strip in pt (0 when every layer is alike). */
export function stripHeight(arch: ArchJson): number {
  const n = stripRows(arch).length;
  return n === 0 ? 0 : SIZE.small * 1.25 + 4 + n * ROW_H;
}

/** Draws the strip with its lower-left corner at (x, y), `w` wide. */
export function drawStrip(arch: ArchJson, x: number, y: number, w: number): Item[] {
  const items: Item[] = [];
  const rows = stripRows(arch);
  const L = arch.layers.length;
  const nameW = 74;
  const legendText = (r: StripRow, key: string) => `${r.legend[key]} (${r.values.filter((v) => v === key).length})`;
  const legendW = Math.max(
    ...rows.map((r) => Object.keys(r.legend).filter((k) => r.values.includes(k)).reduce((a, k) => a + 21 + blockSize([[plain(legendText(r, k))]], SIZE.small).w, 0)),
  );
  const cellW = Math.min(10, (w - nameW - legendW - 10) / L);
  const heading = [[plain(`Layer by layer: one cell per layer, 0 … ${L - 1} from left to right`, 'italic')]];
  const hs = blockSize(heading, SIZE.small);
  const top = y + rows.length * ROW_H + 4;
  items.push({ kind: 'text', id: 'strip.heading', x, y: top, w: hs.w, h: hs.h, lines: heading, size: SIZE.small, color: 'muted', align: 'left' });
  const roles: Role[] = ['cellA', 'cellB', 'cellC', 'cellD'];
  rows.forEach((r, i) => {
    const ry = top - 4 - (i + 1) * ROW_H;
    const name = [[plain(r.name)]];
    const ns = blockSize(name, SIZE.small);
    const ty = ry + (ROW_H - ns.h) / 2;
    items.push({ kind: 'text', id: `strip.${r.name}.name`, x, y: ty, w: ns.w, h: ns.h, lines: name, size: SIZE.small, color: 'ink', align: 'left' });
    const cy = ry + (ROW_H - CELL_H) / 2;
    r.values.forEach((v, j) => {
      items.push({ kind: 'cell', id: `strip.${r.name}.${j}`, x: x + nameW + j * cellW, y: cy, w: Math.max(0.8, cellW - 1), h: CELL_H, fill: roles['ABCD'.indexOf(v)]! });
    });
    let lx = x + nameW + L * cellW + 10;
    for (const key of Object.keys(r.legend)) {
      if (!r.values.includes(key)) continue;
      items.push({ kind: 'cell', id: `strip.${r.name}.legend.${key}`, x: lx, y: cy, w: 9, h: CELL_H, fill: roles['ABCD'.indexOf(key)]! });
      const t = [[plain(legendText(r, key))]];
      const s = blockSize(t, SIZE.small);
      items.push({ kind: 'text', id: `strip.${r.name}.legend.${key}.text`, x: lx + 12, y: ty, w: s.w, h: s.h, lines: t, size: SIZE.small, color: 'ink', align: 'left' });
      lx += 12 + s.w + 9;
    }
  });
  return items;
}
