/**
 * The "FeedForward (SwiGLU) module" inset: what the feed-forward box (or one expert of an MoE
 * layer) computes, drawn bottom to top as in the gallery figures.
 *
 * Gated kinds (`flags.ffn_kind` swiglu / geglu): the input splits into Linear (gate) and
 * Linear (up); the gate goes through the activation; ⊗ joins the two; Linear (down) follows.
 * A fused gate/up tensor (Phi-3's `gate_up_proj`, `flags.fused_projections`) is one box whose
 * output splits. Plain MLP (`mlp`): Linear (up) → activation → Linear (down). Each linear box
 * carries its shape (`4,096 → 14,336`) on a second, smaller line. Under the drawing: the
 * formula and exact count of the module (the `layers.ffn` unit for dense models; for MoE models
 * one expert, derived from the dims and checked against `layers.experts` / E).
 *
 * Items (ids, relative to the drawing area): `ffn.gate`, `ffn.up`, `ffn.act`, `ffn.down` boxes
 * (`ffn.gate_up` instead of gate and up when fused, no `ffn.gate` for plain MLP), `ffn.times`
 * circle (gated kinds), `ffn.formula` text at the bottom, arrows `ffn.in` (input: starts in the
 * free space above the formula, under the first box), `ffn.in.up` (its branch to the up
 * projection), `ffn.a.*` (internal) and `ffn.out` (output: ends at the top edge, y = h).
 */
import type { ArchJson } from '../../schema/arch-json.js';
import type { ArrowItem, BoxItem, Item, TextItem } from '../scene.js';
import { accent, arrow, boxAt, circle, strong, textAt } from '../draw.js';
import { formulaBlock } from '../formula.js';
import { itemBounds, translateItems } from '../geometry.js';
import { groupDigits } from '../format.js';
import { CIRCLE_R, SIZE } from '../style.js';
import { lineWidth, plain, type Run } from '../text.js';
import { wrapRuns } from '../wrap-runs.js';
import { INSET_PAD, type Inset, type InsetOptions } from './inset.js';

/** Widest drawing area an inset of the right column may have (250 pt frame minus its padding). */
export const INSET_MAX_W = 250 - 2 * INSET_PAD;
/** Vertical length of the arrows between stacked items, and the gap between columns. */
const STEP = 14;
const COL_GAP = 16;
/** Free space between the formula text and the start of the input arrow. */
const FORMULA_GAP = 6;
/** Length of the input arrow below the first box, and of the output arrow above the last. */
const LEAD = 18;

/** The activation as the figure names it, from `arch.activation` (config `hidden_act`). */
export function activationName(activation: string): string {
  const a = activation.toLowerCase();
  if (a === 'silu' || a === 'swish') return 'SiLU';
  if (a === 'relu') return 'ReLU';
  // Nemotron-H: squared ReLU.
  if (a === 'relu2') return 'ReLU²';
  // gelu_new, gelu_pytorch_tanh, gelu_fast: the tanh approximation of GELU
  if (a === 'gelu_new' || a === 'gelu_pytorch_tanh' || a === 'gelu_fast') return 'GELU (tanh)';
  if (a.startsWith('gelu')) return 'GELU';
  // Kimi K3: SiTU, soft-capped SiLU on the gate and tanh on the up branch.
  if (a === 'situ') return 'SiTU';
  // Motif: PolyNorm, a learned polynomial of the normalised input.
  if (a === 'poly_norm') return 'PolyNorm';
  return activation.toUpperCase();
}

/** "SwiGLU", "GeGLU", "GELU MLP", "ReLU MLP": the kind in the inset title. */
export function ffnKindName(arch: ArchJson): string {
  const kind = arch.flags.ffn_kind;
  if (arch.flags.polynorm) return 'PolyNorm';
  if (arch.activation === 'situ') return 'SiTU GLU';
  if (kind === 'swiglu') return 'SwiGLU';
  if (kind === 'geglu') return 'GeGLU';
  return `${activationName(arch.activation).replace(' (tanh)', '')} MLP`;
}

const isGated = (arch: ArchJson): boolean => arch.flags.ffn_kind !== 'mlp';

/**
 * One routed expert: its formula (LaTeX in the arch.json dialect) and exact count, derived from
 * the dims — 3·d·d_e for gated kinds, 2·d·d_e for a plain MLP, plus 2·d_e + d (gated) or d_e + d
 * (plain) when the experts have biases (gpt-oss). Throws when E copies of it do not give the
 * `layers.experts` unit (a bug in one of the two, not an input error). Null without MoE.
 */
export function expertFormula(arch: ArchJson): { tex: string; count: number } | null {
  // A latent MoE's experts read and write the latent (Nemotron-H moe_latent_size).
  const { d_e: de, E } = arch.dims;
  const d = arch.dims['d_lat'] ?? arch.dims['d'];
  const unit = arch.units.find((u) => u.id === 'layers.experts');
  if (!arch.flags.moe || !d || !de || !E || !unit) return null;
  const gated = isGated(arch);
  const parts = [`${gated ? 3 : 2}\\,${d.tex}\\,${de.tex}`];
  let count = (gated ? 3 : 2) * d.value * de.value;
  if (arch.biases.experts) {
    parts.push(gated ? `2\\,${de.tex}` : de.tex, d.tex);
    count += (gated ? 2 : 1) * de.value + d.value;
  }
  // Motif: each expert's PolyNorm weight [3] and bias [1].
  if (arch.flags.polynorm) {
    parts.push('4');
    count += 4;
  }
  if (count * E.value !== unit.param_count) {
    throw new Error(`internal: one expert has ${count} parameters but ${E.value} of them are not the ${unit.param_count} of ${unit.id}`);
  }
  return { tex: parts.join(' + '), count };
}

/** A box with its lower-left corner moved to (x, y). */
export function moveTo(b: BoxItem, x: number, y: number): BoxItem {
  return { ...b, x, y };
}

/** Horizontal extent of items (boxes, texts, circles, arrow points). */
export function xExtent(items: Item[]): [number, number] {
  const b = itemBounds(items);
  return [b.x0, b.x1];
}

/** Label of a linear box: its name, its shape on a smaller second line, and "+ bias" under it. */
function linearLines(name: string, shape: string, bias: boolean): Run[][] {
  const small = (text: string): Run[] => [{ text, face: 'sans', scale: 0.9 }];
  return [[plain(name)], small(shape), ...(bias ? [small('+ bias')] : [])];
}

interface FfnSpec {
  gated: boolean;
  fused: boolean;
  d: number;
  hidden: number;
  bias: boolean;
  act: Run[][];
}

function specOf(arch: ArchJson): FfnSpec | null {
  const d = (arch.flags.moe ? arch.dims['d_lat'] ?? arch.dims['d'] : arch.dims['d'])?.value;
  const hidden = arch.flags.moe ? arch.dims['d_e']?.value : arch.dims['d_ff']?.value;
  if (d === undefined || hidden === undefined) return null;
  const gated = isGated(arch);
  // gpt-oss experts: glu = clamp(gate)·σ(1.702·clamp(gate)), times (clamp(up) + 1)
  // Kimi K3's SiTU: β·tanh(g/β)·σ(g) on the gate, β_l·tanh(u/β_l) on the up branch (no weights).
  const act: Run[][] = arch.model.model_type === 'gpt_oss' || arch.activation === 'swigluoai'
    ? [[plain('Clamped activation')], [{ text: 'x·σ(1.702·x)', face: 'sans', scale: 0.9 }]]
    : arch.activation === 'situ'
      ? [[plain('SiTU activation')], [{ text: 'soft-capped gate and up', face: 'sans', scale: 0.9 }]]
      : [[plain(`${activationName(arch.activation)} activation`)]];
  return {
    gated,
    fused: gated && arch.flags.fused_projections,
    d,
    hidden,
    bias: arch.flags.moe ? arch.biases.experts : arch.biases.ffn,
    act,
  };
}

/** The drawing without formula: boxes and arrows with the first box's bottom at y = LEAD. */
function drawing(s: FfnSpec): Item[] {
  const g = groupDigits;
  const b = s.bias;
  const inShape = `${g(s.d)} → ${g(s.hidden)}`;
  const act0 = boxAt('ffn.act', 0, 0, s.act);
  const down0 = boxAt('ffn.down', 0, 0, linearLines('Linear (down)', `${g(s.hidden)} → ${g(s.d)}`, b), { fill: 'proj' });
  if (!s.gated) {
    const up = moveTo(boxAt('ffn.up', 0, 0, linearLines('Linear (up)', inShape, b), { fill: 'proj' }), 0, LEAD);
    const cx = up.x + up.w / 2;
    const act = moveTo(act0, cx - act0.w / 2, up.y + up.h + STEP);
    const down = moveTo(down0, cx - down0.w / 2, act.y + act.h + STEP);
    return [
      up, act, down,
      arrow('ffn.in', [[cx, 0], [cx, up.y]]),
      arrow('ffn.a.up', [[cx, up.y + up.h], [cx, act.y]]),
      arrow('ffn.a.act', [[cx, act.y + act.h], [cx, down.y]]),
      arrow('ffn.out', [[cx, down.y + down.h], [cx, down.y + down.h + LEAD]]),
    ];
  }
  // Column A (x = 0): gate → activation → ⊗ → down; column B: the up projection.
  const r = CIRCLE_R;
  const items: Item[] = [];
  let upTop: [number, number];
  let actBottom: [number, number];
  let rowTop: number;
  const cxA = 0;
  if (s.fused) {
    const lane = act0.w / 2 + COL_GAP;
    const fusedLines = linearLines('Linear, fused gate/up', `${g(s.d)} → 2 × ${g(s.hidden)}`, b);
    const f = boxAt('ffn.gate_up', cxA + lane / 2, 0, fusedLines, { fill: 'proj', minW: lane + 24 });
    const fused = moveTo(f, f.x, LEAD);
    rowTop = fused.y + fused.h;
    items.push(fused, arrow('ffn.in', [[fused.x + fused.w / 2, 0], [fused.x + fused.w / 2, fused.y]]));
    actBottom = [cxA, rowTop];
    upTop = [cxA + lane, rowTop];
  } else {
    const gate0 = boxAt('ffn.gate', 0, 0, linearLines('Linear (gate)', inShape, b), { fill: 'proj' });
    const up0 = boxAt('ffn.up', 0, 0, linearLines('Linear (up)', inShape, b), { fill: 'proj' });
    const wA = Math.max(gate0.w, act0.w, down0.w);
    const cxB = cxA + wA / 2 + COL_GAP + up0.w / 2;
    const gate = moveTo(gate0, cxA - gate0.w / 2, LEAD);
    const up = moveTo(up0, cxB - up0.w / 2, LEAD);
    rowTop = gate.y + gate.h;
    const yj = LEAD / 2;
    items.push(gate, up, arrow('ffn.in', [[cxA, 0], [cxA, gate.y]]), arrow('ffn.in.up', [[cxA, yj], [cxB, yj], [cxB, up.y]]));
    actBottom = [cxA, rowTop];
    upTop = [cxB, rowTop];
  }
  const act = moveTo(act0, cxA - act0.w / 2, rowTop + STEP);
  const times = circle('ffn.times', cxA, act.y + act.h + STEP + r, 'times');
  const down = moveTo(down0, cxA - down0.w / 2, times.cy + r + STEP);
  const fromGate: [number, number] = [actBottom[0], actBottom[1]];
  items.push(
    act, times, down,
    arrow('ffn.a.gate', [fromGate, [cxA, act.y]]),
    arrow('ffn.a.act', [[cxA, act.y + act.h], [cxA, times.cy - r]]),
    arrow('ffn.a.up', [upTop, [upTop[0], times.cy], [cxA + r, times.cy]]),
    arrow('ffn.a.times', [[cxA, times.cy + r], [cxA, down.y]]),
    arrow('ffn.out', [[cxA, down.y + down.h], [cxA, down.y + down.h + LEAD]]),
  );
  return items;
}

/** Top of the drawing: the end of the output arrow. */
function drawingTop(items: Item[]): number {
  const out = items.find((i): i is ArrowItem => i.kind === 'arrow' && i.id === 'ffn.out')!;
  return out.points[out.points.length - 1]![1];
}

/** The formula and exact count of what the inset shows: the dense FFN unit, or one expert. */
function countLines(arch: ArchJson, max: number): Run[][] | null {
  if (arch.flags.moe) {
    const e = expertFormula(arch);
    return e ? formulaBlock([], e.tex, e.count, max) : null;
  }
  const unit = arch.units.find((u) => u.id === 'layers.ffn');
  return unit ? formulaBlock([], unit.formula_symbolic, unit.param_count, max) : null;
}

/**
 * The FeedForward inset of `arch` (target `ffn`): for dense models the FFN of every layer, for
 * MoE models one routed expert ("one expert" in the title, "Expert hidden size of …" in the
 * caption). Null when the model has neither a `layers.ffn` unit nor routed experts.
 */
export function ffnInset(arch: ArchJson, o: InsetOptions = { formulas: true }): Inset | null {
  const spec = specOf(arch);
  const counted = countLines(arch, INSET_MAX_W);
  const lines = counted && !o.formulas ? [] : counted;
  if (!spec || !lines) return null;
  const raw = drawing(spec);
  const formula0 = textAt('ffn.formula', 0, 0, lines, { size: SIZE.label, color: 'muted' });
  const [lo, hi] = xExtent(raw);
  const moe = arch.flags.moe;
  const title: Run[] = [strong(`FeedForward (${ffnKindName(arch)})${moe ? ' of one expert' : ' module'}`)];
  // The layout sets the title at the frame's top left, at SIZE.label: the frame must hold it.
  const w = Math.max(hi - lo, formula0.w, lineWidth(title, SIZE.label));
  const dy = formula0.h + (lines.length ? FORMULA_GAP : 0);
  const drawn = translateItems(raw, (w - (hi - lo)) / 2 - lo, dy);
  // The input arrow starts in the free space above the formula, not at the bottom edge.
  const formula: TextItem = { ...formula0, x: (w - formula0.w) / 2, align: 'center' };
  const hidden = groupDigits(spec.hidden);
  const words = moe ? 'Expert hidden size of ' : 'Intermediate hidden layer dimension of ';
  const caption = wrapRuns([strong(words), accent(hidden)], SIZE.callout, INSET_MAX_W + 2 * INSET_PAD);
  return { id: 'ffn', title, w, h: drawingTop(drawn), items: lines.length ? [...drawn, formula] : drawn, caption, target: 'ffn' };
}
