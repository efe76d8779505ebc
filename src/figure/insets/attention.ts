/**
 * The attention insets: what the attention box of the main stack does inside, drawn bottom to
 * top as the modeling code computes it.
 *
 * - softmax attention (MHA / GQA / MQA, and Qwen3-Next's gated attention): q/k/v projections,
 *   QK-norm, RoPE, scaled dot-product attention, the output projection (transformers
 *   `LlamaAttention`, `Qwen3Attention`, `Olmo2Attention`, `Llama4TextAttention`,
 *   `GptOssAttention`, `Qwen3NextAttention`);
 * - multi-head latent attention (DeepSeek-V2/V3, `DeepseekV3Attention`): low-rank q and kv
 *   paths with a decoupled RoPE key shared by all heads;
 * - Gated DeltaNet (Qwen3-Next linear-attention layers, `Qwen3NextGatedDeltaNet`).
 *
 * DeepSeek-V4's compressed attention has an inset of its own (not here).
 */
import type { ArchJson } from '../../schema/arch-json.js';
import { isStateMixer } from '../../arch/mixers.js';
import { accent, arrow, boxAt, boxSize, circle, strong, bottom, top } from '../draw.js';
import { plain, type Run } from '../text.js';
import { CIRCLE_R, SIZE } from '../style.js';
import type { Inset, InsetOptions } from './inset.js';
import { dim, layerValues, layerValueText } from '../dims.js';
import { cell, coreLabel, finish, g, Grid, gridOverFormulas, lbl, need, outArrow, outputRow, ROW_GAP, type Cell } from './grid.js';

/** Widest drawing area: the right column of the figure. */
export { INSET_MAX_W as ATTENTION_INSET_MAX_W } from './grid.js';

/** "(12 of 48 layers)" when only some layers are of this kind, else null. */
function layerShare(arch: ArchJson, kind: string): Run[] | null {
  return layerShareWhere(arch, (l) => l.attention.kind === kind);
}

/** "(8 of 48 layers)" for the layers `which` picks, or null when it picks them all. */
function layerShareWhere(arch: ArchJson, which: Which): Run[] | null {
  const n = arch.layers.filter(which).length;
  if (n === arch.layers.length) return null;
  return [strong('in '), accent(String(n)), strong(' of '), accent(String(arch.layers.length)), strong(' layers')];
}

// ---------------------------------------------------------------------------------------------
// Softmax attention: MHA / GQA / MQA, with QK-norm, RoPE, windows, sinks and the output gate.

/** Title of a softmax attention inset, by its heads (MQA is GQA with one KV head). */
function softmaxTitle(arch: ArchJson): string {
  if (arch.flags.output_gate) return 'Gated attention';
  const H = need(arch, 'H');
  const Hkv = dim(arch, 'H_kv') ?? H;
  return Hkv === 1 ? 'Multi-query attention' : Hkv === H ? 'Multi-head attention' : 'Grouped-query attention';
}

/** Notes on the attention core: sliding windows, sinks, ALiBi (all from flags and layers). */
function coreNotes(arch: ArchJson, which: Which = () => true): string[] {
  const soft = arch.layers.filter((l) => l.attention.kind === 'softmax' && which(l));
  const windowed = soft.filter((l) => l.attention.window !== null);
  const notes: string[] = [];
  if (windowed.length > 0) {
    const sizes = [...new Set(windowed.map((l) => l.attention.window!))].sort((a, b) => a - b).map((x) => g(x)).join(' / ');
    notes.push(windowed.length === soft.length ? `sliding window of ${sizes} tokens` : `window ${sizes} in ${windowed.length} of ${soft.length} layers`);
  }
  // gpt-oss `sinks`: one learned logit per head joins the softmax and is dropped after it.
  if (arch.flags.attention_sinks) notes.push('+ a learned sink logit per head');
  else if (Object.values(arch.geometries ?? {}).some((g) => g.attention_sinks)) notes.push('+ sink logits in the sliding layers');
  notes.push(...indexerNotes(arch, 'blocks'));
  // Gemma 4's global layers: the keys are the values.
  const kv = soft.filter((l) => l.attention.geometry !== undefined && arch.geometries?.[l.attention.geometry]?.k_eq_v);
  if (kv.length > 0 && kv.length < soft.length) notes.push(`values = keys in ${kv.length} of ${soft.length} layers`);
  if (kv.length === soft.length && windowed.length === 0) notes.push('over the whole context');
  // Gemma 4 E2B/E4B: the last layers attend over an earlier layer's cache.
  const shared = soft.filter((l) => l.attention.kv_source !== undefined);
  if (shared.length > 0) notes.push(`K, V shared in the last ${shared.length} layers`);
  if (arch.flags.alibi) notes.push('+ ALiBi position biases');
  // Inkling: learned relative-position logits (r_proj, rel_logits_proj); K and V short convs.
  if (arch.flags.relative_logits) notes.push('+ learned relative-position logits');
  if (arch.flags.short_convs) notes.push(`K, V through ${dim(arch, 'K') ?? 'short'}-tap short convs`);
  return notes;
}

/**
 * Sparse attention (GLM-5.2's DSA, MiniMax-M3's block-sparse layers): attention reads only the
 * top-k tokens (or blocks) an indexer picks, in the layers that have one (GLM's others reuse the
 * last pick).
 */
function indexerNotes(arch: ArchJson, what: 'tokens' | 'blocks'): string[] {
  const own = arch.layers.filter((l) => l.attention.indexer).length;
  if (own === 0 || arch.family === 'dsv4') return [];
  // Linear-attention layers (GLM-5.3-Flash's KDA) have nothing to index: the share is of the others.
  const attending = arch.layers.filter((l) => !isStateMixer(l.attention.kind)).length;
  const where = own < attending ? ` (${own} of ${attending} layers${arch.family === 'mla' ? '; the rest reuse it' : ''})` : '';
  return [`only the top-k ${what} its indexer picks`, ...(where ? [where.trim()] : [])];
}

/** Sliding windows of MLA layers (Motif): "window 128 in 40 of 53 layers". */
function windowNotes(arch: ArchJson): string[] {
  const windowed = arch.layers.filter((l) => l.attention.window !== null);
  if (windowed.length === 0) return [];
  const sizes = [...new Set(windowed.map((l) => l.attention.window!))].map((x) => g(x)).join(' / ');
  return [windowed.length === arch.layers.length ? `sliding window of ${sizes} tokens` : `window ${sizes} in ${windowed.length} of ${arch.layers.length} layers`];
}

/** The RoPE box label, or null when there is no rotary embedding (ALiBi, learned positions). */
function ropeLabel(arch: ArchJson, which: Which = () => true): Run[][] | null {
  const f = arch.flags;
  const soft = arch.layers.filter((l) => l.attention.kind === 'softmax' && which(l));
  const rope = soft.filter((l) => l.attention.rope).length;
  if (f.alibi || f.learned_positions || rope === 0) return null;
  const first = f.partial_rotary < 1 ? `RoPE on ${Math.round(f.partial_rotary * 100)}% of dims` : 'RoPE';
  // NoPE layers (SmolLM3 `no_rope_layers`, Llama 4 every 4th layer) skip the rotation.
  return rope < soft.length ? lbl(first, `in ${rope} of ${soft.length} layers`) : lbl(first);
}

/** A predicate on layers: which of them an inset draws. */
type Which = (l: ArchJson['layers'][number]) => boolean;

/**
 * Which softmax layers one inset draws: all of them, or (Gemma 4 with `attention_k_eq_v`) the
 * layers with a V projection and the global layers whose keys are the values, each in an inset
 * of its own.
 */
interface SoftmaxView {
  /** The inset's id and the prefix of its item ids. */
  id: string;
  which: Which;
  /** The units whose formulas it shows. */
  units: string[];
  title?: string;
  /** The layers drawn have no v_proj: the values are the keys' projection (Gemma4TextAttention). */
  kEqV?: boolean;
}

const ALL_SOFTMAX: SoftmaxView = { id: 'attn', which: () => true, units: ['layers.attn', 'layers.qk_norm'] };

/** A softmax layer whose geometry has K = V. */
const kEqVLayer = (arch: ArchJson): Which => (l) =>
  l.attention.kind === 'softmax' && l.attention.geometry !== undefined && arch.geometries?.[l.attention.geometry]?.k_eq_v === true;

/** The two views of a model with K = V global layers: the others, and those. */
function kEqVViews(arch: ArchJson): SoftmaxView[] {
  const keqv = kEqVLayer(arch);
  const geoms = Object.entries(arch.geometries ?? {}).filter(([, g]) => g.k_eq_v).map(([k]) => k);
  const heads = (which: Which): string => {
    const Hkv = layerValues(arch, 'H_kv', which);
    return Hkv.length === 1 && Hkv[0] === 1 ? 'Multi-query attention' : 'Grouped-query attention';
  };
  const views: SoftmaxView[] = [];
  if (arch.layers.some((l) => l.attention.kind === 'softmax' && !keqv(l))) views.push({ ...ALL_SOFTMAX, which: (l) => !keqv(l) });
  views.push({
    id: 'attn_kv',
    which: keqv,
    units: geoms.flatMap((k) => [`layers.attn.${k}`, `layers.qk_norm.${k}`]),
    title: `${heads(keqv)} with K = V`,
    kEqV: true,
  });
  return views;
}

function softmaxInset(arch: ArchJson, opts: InsetOptions, view: SoftmaxView = ALL_SOFTMAX): Inset {
  const f = arch.flags;
  const p = view.id;
  const which = view.which;
  const d = need(arch, 'd');
  // Per-layer sizes (Laguna's query heads): written as 48/64.
  const Ht = layerValueText(arch, 'H', which);
  const Hkvt = layerValueText(arch, 'H_kv', which);
  const dht = layerValueText(arch, 'd_h', which);
  // MiMo-V2: value heads of their own size. Gemma 4: only the layers that have a v_proj.
  const dvt = layerValueText(arch, arch.dims['d_hv'] ? 'd_hv' : 'd_h', which);
  const withV = (l: ArchJson['layers'][number]) => which(l) && !kEqVLayer(arch)(l);
  const vt = `${layerValueText(arch, 'H_kv', withV)} × ${layerValueText(arch, arch.dims['d_hv'] ? 'd_hv' : 'd_h', withV)}`;
  // Qwen3-Next's gate comes out of q_proj; Laguna's head-wise gate is a projection of its own.
  const headGate = f.head_gate !== undefined && !f.output_gate;
  // Trinity's elementwise gate is a projection of its own too, not a half of q_proj.
  const ownGate = headGate || (f.output_gate && f.output_gate_separate === true);
  const fusedGate = f.output_gate && !ownGate;
  const gate = f.output_gate || headGate;
  // Columns: [gate], q, k, v.
  const q = gate ? 1 : 0;
  const k = q + 1;
  const v = q + 2;
  const proj: Cell[] = f.fused_projections
    ? [cell(`${p}.qkv`, q, v, lbl('Linear QKV (fused)', dvt === dht ? `(${Ht} + ${Hkvt} + ${Hkvt}) × ${dht}` : `(${Ht} + ${Hkvt}) × ${dht} + ${Hkvt} × ${dvt}`), 'proj')]
    : [
        // Qwen3-Next `q_proj` emits each head's query and its gate side by side (2·d_h per head).
        ...(ownGate ? [cell(`${p}.g`, 0, 0, lbl('Gate', headGate ? `→ ${Ht}` : `${Ht} × ${dht}`), 'proj')] : []),
        fusedGate ? cell(`${p}.q`, 0, q, lbl('Linear Q + gate', `${Ht} × (${dht} + ${dht})`), 'proj') : cell(`${p}.q`, q, q, lbl('Linear Q', `${Ht} × ${dht}`), 'proj'),
        ...(view.kEqV
          ? [cell(`${p}.k`, k, v, lbl('Linear K, also V', `${Hkvt} × ${dht}`), 'proj')]
          : [cell(`${p}.k`, k, k, lbl('Linear K', `${Hkvt} × ${dht}`), 'proj'), cell(`${p}.v`, v, v, lbl('Linear V', vt), 'proj')]),
      ];
  // Muse Glimmer normalises q and k without a weight.
  const normLabel = f.qk_norm === 'unscaled' ? lbl('RMSNorm', 'no weight') : lbl('RMSNorm');
  const norms: Cell[] =
    f.qk_norm === 'per_head' || f.qk_norm === 'full' || f.qk_norm === 'unscaled'
      ? [cell(`${p}.q_norm`, q, q, normLabel, 'norm'), cell(`${p}.k_norm`, k, k, normLabel, 'norm')]
      : [];
  // Gemma 4 `v_norm`: the values through an RMSNorm without a weight (with K = V, the raw keys).
  const vNorm: Cell[] = f.value_norm === 'unscaled' ? [cell(`${p}.v_norm`, v, v, lbl('RMSNorm', 'no weight'), 'norm')] : [];
  const ropeText = ropeLabel(arch, which);
  const rope: Cell[] = ropeText ? [cell(`${p}.rope`, q, k, ropeText, 'box')] : [];
  // Llama 4 `qk_norm`: a weightless L2 norm after RoPE, only in the RoPE layers.
  const l2: Cell[] = f.qk_norm === 'l2' ? [cell('attn.l2', q, k, lbl(f.nope_layers ? 'L2 norm (RoPE layers)' : 'L2 norm'), 'norm')] : [];
  const core: Cell[] = [cell(`${p}.core`, q, v, coreLabel('Scaled dot-product attention (causal)', coreNotes(arch, which)), 'attention', 'attentionInk')];
  if (gate) core.push(cell(`${p}.sigmoid`, 0, 0, lbl(headGate ? f.head_gate! : 'sigmoid'), 'box'));
  const rows = [proj, [...norms, ...vNorm], rope, l2, core];
  const outLines = lbl('Linear output', `${Ht} × ${dvt} → ${g(d)}`);
  const widths = Grid.fit(gate ? 4 : 3, [...rows, [cell(`${p}.o`, 0, v, outLines, 'proj')]], 44);
  // q and k (and v) equally wide, unless the head count differs between layers (Q's "48/64 × 128"
  // alone is wide) or a gate takes a fourth column: then the inset stays within its width limit.
  if (layerValues(arch, 'H').length <= 1 && !ownGate) {
    widths[q] = Math.max(widths[q]!, widths[k]!);
    widths[k] = widths[q]!;
    widths[v] = Math.max(widths[v]!, widths[k]!);
  }

  const { formula, y0, grid } = gridOverFormulas(arch, opts, view.units, widths, rows);
  const ids = (...xs: (Cell | undefined)[]) => xs.filter((c): c is Cell => c !== undefined).map((c) => c.id);
  const [pq, pk, pv] = f.fused_projections ? [proj[0]!, proj[0]!, proj[0]!] : proj.filter((c) => c.id !== `${p}.g`);
  const inputs = [...(ownGate ? [`${p}.g`] : []), `${p}.q`, `${p}.k`, ...(view.kEqV ? [] : [`${p}.v`])];
  grid.input(`${p}.in`, y0, (f.fused_projections ? [`${p}.qkv`] : inputs).map((box) => ({ box })));
  grid.lane(`${p}.lane.q`, q, ids(pq, norms[0], rope[0], l2[0], core[0]));
  grid.lane(`${p}.lane.k`, k, ids(pk, norms[1], rope[0], l2[0], core[0]));
  // With K = V the values leave the K projection on their own lane.
  grid.lane(`${p}.lane.v`, v, ids(view.kEqV ? pk : pv, vNorm[0], core[0]));

  const coreBox = grid.box(`${p}.core`);
  let below: [number, number] = top(coreBox);
  if (gate) {
    // output = o_proj(attn ⊙ sigmoid(gate)): the gate leaves the fused q/gate projection (or its
    // own head-wise projection) at the left.
    grid.lane(`${p}.lane.gate`, 0, [ownGate ? `${p}.g` : `${p}.q`, `${p}.sigmoid`]);
    const cy = coreBox.y + coreBox.h + ROW_GAP + CIRCLE_R;
    const times = circle(`${p}.times`, top(coreBox)[0], cy, 'times');
    grid.items.push(times, arrow(`${p}.to_times`, [top(coreBox), [times.cx, cy - CIRCLE_R]]));
    const sig = grid.box(`${p}.sigmoid`);
    grid.items.push(arrow(`${p}.gate`, [top(sig), [grid.cx(0), cy], [times.cx - CIRCLE_R, cy]]));
    grid.y = cy + CIRCLE_R;
    below = [times.cx, cy + CIRCLE_R];
  }
  const o = grid.add(boxAt(`${p}.o`, grid.width / 2, grid.y + ROW_GAP + boxSize(outLines, { size: SIZE.small }).h / 2, outLines, { fill: 'proj', size: SIZE.small }));
  grid.items.push(arrow(`${p}.to_o`, [below, [below[0], o.y]]));
  outArrow(grid, `${p}.out`, o);

  // Sizes that differ between layers read "48 or 64".
  const either = (name: string): Run[] => layerValues(arch, name, which).flatMap((x, i) => [...(i ? [strong(' or ')] : []), accent(String(x))]);
  const [Hs, Hkvs] = [layerValues(arch, 'H', which), layerValues(arch, 'H_kv', which)];
  const oneKv = Hkvs.length === 1 && Hkvs[0] === 1;
  const caption: Run[][] =
    Hs.length === 1 && Hkvs.length <= 1 && Hs[0] === (Hkvs[0] ?? Hs[0])
      ? [[accent(String(Hs[0] ?? need(arch, 'H'))), strong(' heads')]]
      : [[...either('H'), strong(' query heads, '), ...either('H_kv'), strong(oneKv ? ' key & value head' : ' key & value heads')]];
  caption.push(dvt === dht ? [strong('head dimension '), ...either('d_h')] : [strong('head dimension '), ...either('d_h'), strong(' (values '), ...either(arch.dims['d_hv'] ? 'd_hv' : 'd_h'), strong(')')]);
  const share = layerShareWhere(arch, (l) => l.attention.kind === 'softmax' && which(l));
  if (share) caption.push(share);
  return finish(p, view.title ?? softmaxTitle(arch), caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// Multi-head latent attention (DeepSeek-V2/V3).

function mlaInset(arch: ArchJson, opts: InsetOptions): Inset {
  const H = need(arch, 'H');
  const d = need(arch, 'd');
  const rq = dim(arch, 'r_q');
  const rkv = need(arch, 'r_kv');
  const dNope = need(arch, 'd_nope');
  const dRope = need(arch, 'd_rope');
  const dv = need(arch, 'd_v');
  // Columns: q path, compressed kv (c_kv), decoupled RoPE key (k_rope, one for all heads).
  const Q = 0;
  const C = 1;
  const R = 2;
  // GLM-5.3-Flash (qk_rope_head_dim 0): no shared key at all, so no third lane's content.
  const noKeyShare = dRope === 0;
  const qHead = noKeyShare ? `${H} × ${dNope}` : `${H} × (${dNope} + ${dRope})`;
  const rope = arch.layers.some((l) => l.attention.kind === 'mla' && l.attention.rope);
  // Motif's GDLA: K and V for H_kv heads; the output over the signal heads, each the signal minus
  // σ(λ) times its group's noise head, gated from the query latent.
  const gdla = arch.flags.differential_heads === true;
  const kvHeads = gdla ? need(arch, 'H_kv') : H;
  const outHeads = gdla ? need(arch, 'H_s') : H;
  const coreNotes = gdla
    ? [`${outHeads} signal heads − σ(λ) · ${need(arch, 'H_n')} noise heads`, ...windowNotes(arch)]
    : [...indexerNotes(arch, 'tokens'), ...(arch.flags.attention_sinks ? ['+ a learned sink logit per head'] : [])];
  const rows: Cell[][] = [
    [
      // V2-Lite has no q_lora_rank: q is one projection from d.
      rq !== null ? cell('attn.q_a', Q, Q, lbl('Linear down', `→ ${g(rq)}`), 'proj') : cell('attn.q_up', Q, Q, lbl('Linear Q', qHead), 'proj'),
      // kv_a_proj_with_mqa: d → r_kv + d_rope; these r_kv + d_rope values per token are what an
      // MLA inference cache keeps (kv_b_proj is applied to, or absorbed into, them).
      cell('attn.kv_a', C, R, [[plain(noKeyShare ? `Linear down → ${g(rkv)}` : `Linear down → ${g(rkv)} + ${dRope}`)], [plain(`KV cache: ${g(rkv + dRope)} per token`, 'sans', 'accent')]], 'proj'),
    ],
    [...(rq !== null ? [cell('attn.q_norm', Q, Q, lbl('RMSNorm'), 'norm')] : []), cell('attn.kv_norm', C, noKeyShare ? R : C, lbl(`RMSNorm (${g(rkv)})`), 'norm')],
    [
      ...(rq !== null ? [cell('attn.q_up', Q, Q, lbl('Linear up → q', qHead), 'proj')] : []),
      cell('attn.kv_b', C, noKeyShare ? R : C, lbl('Linear up → k, v', `${kvHeads} × (${dNope} + ${dv})`), 'proj'),
    ],
    // Kimi K3 (mla_use_nope): no rotation; the d_rope slice is a key shared by all heads.
    ...(rope ? [[cell('attn.q_rope', Q, Q, lbl(`RoPE on ${dRope} of ${dNope + dRope}`), 'box'), cell('attn.k_rope', R, R, lbl('RoPE'), 'box')]] : []),
    [cell('attn.core', Q, R, coreLabel(gdla ? 'Differential attention (causal)' : 'Scaled dot-product attention (causal)', coreNotes), 'attention', 'attentionInk')],
  ];
  // Hy4 (gated_mla): each value channel times sigmoid(gate_proj(x)) before the output projection.
  // Hy4's gate reads the layer input; Motif's the query latent.
  const gate = gdla ? `⊙ sigmoid(gate: q latent → ${outHeads} × ${dv})` : `of heads ⊙ sigmoid(Linear gate ${g(d)} → ${outHeads} × ${dv})`;
  const outLines = arch.flags.output_gate ? lbl(`Linear output ${outHeads} × ${dv} → ${g(d)}`, gate) : lbl(`Linear output ${H} × ${dv} → ${g(d)}`);
  const widths = Grid.fit(3, [...rows, [cell('attn.o', Q, R, outLines, 'proj')]], 40);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.attn'], widths, rows);
  grid.input('attn.in', y0, [{ box: rq !== null ? 'attn.q_a' : 'attn.q_up' }, { box: 'attn.kv_a' }]);
  const qRope = rope ? ['attn.q_rope'] : [];
  grid.lane('attn.lane.q', Q, [...(rq !== null ? ['attn.q_a', 'attn.q_norm', 'attn.q_up'] : ['attn.q_up']), ...qRope, 'attn.core']);
  grid.lane('attn.lane.c', C, ['attn.kv_a', 'attn.kv_norm', 'attn.kv_b', 'attn.core']);
  if (!noKeyShare) grid.lane('attn.lane.r', R, ['attn.kv_a', ...(rope ? ['attn.k_rope'] : []), 'attn.core']);
  outputRow(grid, 'attn.core', cell('attn.o', Q, R, outLines, 'proj'), 'attn.to_o', 'attn.out');
  const caption: Run[][] = [
    gdla ? [accent(String(outHeads)), strong(' signal + '), accent(String(need(arch, 'H_n'))), strong(' noise heads,')] : [accent(String(H)), strong(' heads,')],
    noKeyShare ? [strong('KV compressed to '), accent(g(rkv))] : [strong('KV compressed to '), accent(g(rkv)), strong(' (+'), accent(String(dRope)), strong(rope ? ' RoPE)' : ' shared key)')],
    ...(rope ? [] : [[strong('no positional encoding')]]),
  ];
  const title = gdla ? 'Grouped differential latent attention' : arch.flags.output_gate ? 'Gated multi-head latent attention' : 'Multi-head latent attention';
  return finish('attn', title, caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// Gated DeltaNet (Qwen3-Next linear attention).

function deltaNetInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const Hk = need(arch, 'H_k');
  const dk = need(arch, 'd_k');
  const Hv = need(arch, 'H_v');
  const dv = need(arch, 'd_v');
  const K = need(arch, 'K_conv');
  // Columns: a (decay), b (β), q, k, v, z (output gate).
  const [A, B, Qc, Kc, Vc, Z] = [0, 1, 2, 3, 4, 5];
  const rows: Cell[][] = [
    [
      // in_proj_ba: one a and one b per value head.
      cell('linear_attn.ba', A, B, lbl('Linear a, b'), 'proj'),
      // in_proj_qkvz: q, k (H_k·d_k each), v and z (H_v·d_v each).
      cell('linear_attn.qkvz', Qc, Z, lbl('Linear q, k, v, z'), 'proj'),
    ],
    [
      // g = −exp(A_log) · softplus(a + dt_bias): the per-head decay of the state.
      cell('linear_attn.alpha', A, A, lbl('decay α', 'A_log, dt_bias'), 'box'),
      cell('linear_attn.beta', B, B, lbl('β = σ(b)'), 'box'),
      // conv1d: depthwise and causal over q, k and v, followed by SiLU.
      cell('linear_attn.conv', Qc, Vc, lbl('causal Conv1d', `K = ${K}, SiLU`), 'proj'),
    ],
    // use_qk_l2norm_in_kernel: q and k are L2-normalised inside the delta-rule kernel.
    [cell('linear_attn.l2', Qc, Kc, lbl('L2 norm'), 'norm')],
    [cell('linear_attn.core', A, Vc, coreLabel('Gated delta rule', [`state ${dk} × ${dv} per head`]), 'attention', 'attentionInk')],
  ];
  const normLines = lbl('Gated RMSNorm');
  const outLines = lbl(`Linear output ${Hv} × ${dv} → ${g(d)}`);
  // z is only a lane: its SiLU sits beside the gated norm, higher up.
  const widths = Grid.fit(6, [...rows, [cell('linear_attn.o', A, Z, outLines, 'proj')]], [24, 24, 18, 18, 18, 8]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.linear_attn'], widths, rows);
  grid.input('linear_attn.in', y0, [{ box: 'linear_attn.ba' }, { box: 'linear_attn.qkvz' }]);
  grid.lane('linear_attn.lane.a', A, ['linear_attn.ba', 'linear_attn.alpha', 'linear_attn.core']);
  grid.lane('linear_attn.lane.b', B, ['linear_attn.ba', 'linear_attn.beta', 'linear_attn.core']);
  grid.lane('linear_attn.lane.q', Qc, ['linear_attn.qkvz', 'linear_attn.conv', 'linear_attn.l2', 'linear_attn.core']);
  grid.lane('linear_attn.lane.k', Kc, ['linear_attn.qkvz', 'linear_attn.conv', 'linear_attn.l2', 'linear_attn.core']);
  grid.lane('linear_attn.lane.v', Vc, ['linear_attn.qkvz', 'linear_attn.conv', 'linear_attn.core']);
  const coreBox = grid.box('linear_attn.core');
  // Qwen3NextRMSNormGated: RMSNorm of each head's output, times SiLU(z).
  const ns = boxSize(normLines, { size: SIZE.small });
  const norm = grid.add(boxAt('linear_attn.norm', top(coreBox)[0], grid.y + ROW_GAP + ns.h / 2, normLines, { fill: 'norm', size: SIZE.small }));
  grid.items.push(arrow('linear_attn.to_norm', [top(coreBox), bottom(norm)]));
  const ny = norm.y + norm.h / 2;
  const zx = grid.cx(Z);
  const silu = grid.add(boxAt('linear_attn.silu', (norm.x + norm.w + zx) / 2, ny, lbl('SiLU'), { fill: 'box', size: SIZE.small }));
  const qkvz = grid.box('linear_attn.qkvz');
  grid.items.push(arrow('linear_attn.z', [[zx, qkvz.y + qkvz.h], [zx, ny], [silu.x + silu.w, ny]]));
  grid.items.push(arrow('linear_attn.gate', [[silu.x, ny], [norm.x + norm.w, ny]]));
  const o = grid.add(boxAt('linear_attn.o', grid.width / 2, grid.y + ROW_GAP + boxSize(outLines, { size: SIZE.small }).h / 2, outLines, { fill: 'proj', size: SIZE.small, minW: grid.width }));
  grid.items.push(arrow('linear_attn.to_o', [top(norm), [top(norm)[0], o.y]]));
  outArrow(grid, 'linear_attn.out', o);
  const caption: Run[][] = [
    [accent(String(Hk)), strong(' key heads, '), accent(String(Hv)), strong(' value heads')],
    [strong('head dimension '), accent(String(dk === dv ? dk : `${dk} / ${dv}`)), strong(', conv kernel '), accent(String(K))],
  ];
  const share = layerShare(arch, 'gated_deltanet');
  if (share) caption.push(share);
  return { ...finish('linear_attn', 'Gated DeltaNet', caption, formula, grid), target: 'attn' };
}

// ---------------------------------------------------------------------------------------------
// LFM2's gated short convolution.

/**
 * Lfm2ShortConv: `in_proj` gives B, C and x; B ⊙ x passes a causal depthwise conv of K taps; C
 * gates its output; `out_proj` maps it back. A state of K − 1 tokens replaces the KV cache.
 */
function shortConvInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const K = need(arch, 'K_c');
  const [B, X, C] = [0, 1, 2];
  const rows: Cell[][] = [
    [cell('conv.in', B, C, lbl('Linear in → B, C, x', `3 × ${g(d)}`), 'proj')],
    [cell('conv.bx', B, X, lbl('B ⊙ x'), 'box')],
    [cell('conv.conv', B, X, lbl('Depthwise causal conv', `${K} taps, per channel`), 'attention', 'attentionInk')],
    [cell('conv.gate', B, C, lbl('⊙ C (output gate)'), 'box')],
  ];
  const outLines = lbl(`Linear out ${g(d)} → ${g(d)}`);
  const widths = Grid.fit(3, [...rows, [cell('conv.out', B, C, outLines, 'proj')]], 40);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.conv'], widths, rows);
  grid.input('conv.in.stem', y0, [{ box: 'conv.in' }]);
  grid.lane('conv.lane.bx', B, ['conv.in', 'conv.bx', 'conv.conv', 'conv.gate']);
  grid.lane('conv.lane.x', X, ['conv.in', 'conv.bx']);
  grid.lane('conv.lane.c', C, ['conv.in', 'conv.gate']);
  outputRow(grid, 'conv.gate', cell('conv.out', B, C, outLines, 'proj'), 'conv.to_out', 'conv.out.arrow');
  const caption: Run[][] = [[strong('a state of '), accent(String(K - 1)), strong(' tokens, no KV cache')]];
  const share = layerShare(arch, 'short_conv');
  if (share) caption.push(share);
  return finish('conv', 'Gated short convolution', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// Jamba's Mamba mixer.

/**
 * JambaMambaMixer: `in_proj` gives x and the gate z; x passes a causal conv of K taps and SiLU;
 * `x_proj` gives Δ (rank r), B and C (N each, each RMS-normalised); `dt_proj` widens Δ; the
 * selective scan runs a state of N per channel (A_log, D); SiLU(z) gates it; `out_proj`.
 */
function mambaInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const din = need(arch, 'd_in');
  const K = need(arch, 'K_m');
  const N = need(arch, 'N');
  const r = need(arch, 'r_dt');
  // Lanes (JambaMambaMixer): x after the conv goes to the scan and to x_proj; B and C leave
  // x_proj for the scan; Δ goes through dt_proj first; z bypasses everything to the gate.
  const [X, BC, DT, Z] = [0, 1, 2, 3];
  const rows: Cell[][] = [
    [cell('mamba.in', X, Z, lbl('Linear in → x, z', `2 × ${g(din)}`), 'proj')],
    [cell('mamba.conv', X, BC, lbl('Causal conv1d', `${K} taps, SiLU`), 'box')],
    [cell('mamba.x_proj', BC, DT, lbl('Linear → Δ, B, C', `${r} + ${N} + ${N}, RMSNorms`), 'proj')],
    [cell('mamba.dt_proj', DT, DT, lbl('Linear Δ', `${r} → ${g(din)}`, 'softplus'), 'proj')],
    [cell('mamba.core', X, DT, coreLabel('Selective scan', [`state ${N} per channel`, 'A_log, D']), 'attention', 'attentionInk')],
    [cell('mamba.gate', X, Z, lbl('⊙ SiLU(z)'), 'box')],
  ];
  const outLines = lbl(`Linear out ${g(din)} → ${g(d)}`);
  const widths = Grid.fit(4, [...rows, [cell('mamba.out', X, Z, outLines, 'proj')]], [30, 30, 30, 16]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.mamba'], widths, rows);
  grid.input('mamba.in.stem', y0, [{ box: 'mamba.in' }]);
  grid.lane('mamba.lane.x', X, ['mamba.in', 'mamba.conv', 'mamba.core', 'mamba.gate']);
  grid.lane('mamba.lane.bc', BC, ['mamba.conv', 'mamba.x_proj', 'mamba.core']);
  grid.lane('mamba.lane.dt', DT, ['mamba.x_proj', 'mamba.dt_proj', 'mamba.core']);
  grid.lane('mamba.lane.z', Z, ['mamba.in', 'mamba.gate']);
  outputRow(grid, 'mamba.gate', cell('mamba.out', X, Z, outLines, 'proj'), 'mamba.to_out', 'mamba.out.arrow');
  const caption: Run[][] = [[strong('a state of '), accent(String(N)), strong(' per channel, no KV cache')]];
  const share = layerShare(arch, 'mamba');
  if (share) caption.push(share);
  return finish('mamba', 'Mamba (selective state space)', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// The DSA lightning indexer of MLA (GLM-5.2, Hy4): which tokens attention reads.

/**
 * The lightning indexer (GlmMoeDsaIndexer, DeepSeek-V3.2's `Indexer`): index queries from the
 * query latent (`wq_b`), one index key per token (`wk`, LayerNorm `k_norm`), per-head weights
 * (`weights_proj`), both with RoPE on `qk_rope_head_dim` dims (no RoPE box where that is 0); each
 * earlier token's score is Σ_h w_h · ReLU(q_h · k_s), and attention reads the `index_topk`
 * best-scoring tokens. GLM-5.3-Flash's Glm5NextTextIndexer (`flags.indexer_kpool`) pools the keys
 * first: each pool of `index_kpool` tokens is a softmax-weighted sum of its keys, the weights from
 * a gate (`index_kpool_compress_gate`, d → d_i) plus a position table (`index_kpool_compress_ape`);
 * pools are scored and the top `index_topk / index_kpool` pools read, with the newest incomplete pool.
 */
function indexerInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const rq = need(arch, 'r_q');
  const Hi = need(arch, 'H_i');
  const di = need(arch, 'd_i');
  const dRope = dim(arch, 'd_rope');
  const topk = dim(arch, 'k_i');
  const pool = arch.flags.indexer_kpool ? need(arch, 'P_i') : null;
  // Lanes: query, key, the pool's gate (pooled indexers only), head weights.
  const [Q, K] = [0, 1];
  const G = pool !== null ? 2 : -1;
  const W = pool !== null ? 3 : 2;
  const rope = dRope !== null && dRope < di ? lbl('RoPE', `on ${dRope} of ${di}`) : lbl('RoPE');
  const rows: Cell[][] = [
    [
      // wq_b reads the MLA query latent (after q_a_layernorm), not the layer input.
      // Four lanes do not fit the column with one-line sizes: the pooled indexer breaks them.
      cell('indexer.q', Q, Q, pool !== null ? lbl('Linear Q', 'q latent →', `${Hi} × ${di}`) : lbl('Linear Q', `q latent ${g(rq)}`, `→ ${Hi} × ${di}`), 'proj'),
      cell('indexer.k', K, K, pool !== null ? lbl('Linear K', `${g(d)}`, `→ ${di}`) : lbl('Linear K', `${g(d)} → ${di}`), 'proj'),
      ...(pool !== null ? [cell('indexer.gate', G, G, lbl('Gate', `${g(d)}`, `→ ${di}`), 'proj')] : []),
      cell('indexer.w', W, W, pool !== null ? lbl('Linear w', `${g(d)}`, `→ ${Hi}`) : lbl('Linear w', `${g(d)} → ${Hi}`), 'proj'),
    ],
    [cell('indexer.k_norm', K, K, lbl('LayerNorm'), 'norm')],
  ];
  const roped = dRope !== 0;
  if (roped) rows.push([cell('indexer.q_rope', Q, Q, rope, 'box'), cell('indexer.k_rope', K, K, rope, 'box')]);
  if (pool !== null) rows.push([cell('indexer.pool', K, G, lbl(`Pool of ${pool} keys`, 'softmax(gate + ', `position table)`), 'box')]);
  const unit = pool !== null ? 'pool' : 'token';
  const cached = pool !== null ? `one cached key per ${pool} tokens` : 'one cached key per token';
  rows.push([cell('indexer.score', Q, W, coreLabel(`Score of each earlier ${unit}`, ['sum over heads of w · ReLU(q · k)', cached]), 'attention', 'attentionInk')]);
  const outLines = pool !== null && topk !== null
    ? lbl(`Top ${g(topk / pool)} pools of ${pool} tokens`, 'and the newest partial pool', 'are what attention reads')
    : lbl(topk !== null ? `Top ${g(topk)} tokens` : 'Top-k tokens', 'are what attention reads');
  const lanes = W + 1;
  const widths = Grid.fit(lanes, [...rows, [cell('indexer.top', Q, W, outLines, 'box')]], pool !== null ? 30 : 40);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.indexer'], widths, rows);
  const inputs = [{ box: 'indexer.q' }, { box: 'indexer.k' }, ...(pool !== null ? [{ box: 'indexer.gate' }] : []), { box: 'indexer.w' }];
  grid.input('indexer.in', y0, inputs);
  grid.lane('indexer.lane.q', Q, ['indexer.q', ...(roped ? ['indexer.q_rope'] : []), 'indexer.score']);
  grid.lane('indexer.lane.k', K, ['indexer.k', 'indexer.k_norm', ...(roped ? ['indexer.k_rope'] : []), ...(pool !== null ? ['indexer.pool'] : []), 'indexer.score']);
  if (pool !== null) grid.lane('indexer.lane.gate', G, ['indexer.gate', 'indexer.pool']);
  grid.lane('indexer.lane.w', W, ['indexer.w', 'indexer.score']);
  outputRow(grid, 'indexer.score', cell('indexer.top', Q, W, outLines, 'box'), 'indexer.to_top', 'indexer.out');
  const own = arch.layers.filter((l) => l.attention.indexer).length;
  // Where some layers have no attention to index (GLM-5.3-Flash's KDA layers), the share is of the MLA layers.
  const mla = arch.layers.filter((l) => l.attention.kind === 'mla').length;
  const caption: Run[][] = [[accent(String(Hi)), strong(' index heads of '), accent(String(di))]];
  if (own === mla && mla < arch.layers.length) caption.push([strong('in all '), accent(String(mla)), strong(' latent-attention layers')]);
  else if (own < arch.layers.length) caption.push([strong('own indexer in '), accent(String(own)), strong(' of '), accent(String(arch.layers.length)), strong(' layers')]);
  return finish('indexer', 'Lightning indexer (DSA)', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// Nemotron-H's Mamba-2 mixer.

/**
 * NemotronHMamba2Mixer: `in_proj` gives z, x, B, C and Δ (one per head) at once; x, B and C pass
 * a causal conv of K taps and SiLU; Δ + dt_bias through softplus; the scan (SSD) runs a state of
 * N for each of the H_m heads of d_hm channels, with one decay A = −exp(A_log) per head and the D
 * skip; a gated RMSNorm over G groups multiplies in SiLU(z); `out_proj`.
 */
function mamba2Inset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const din = need(arch, 'd_in');
  const [Hm, P, G, N, K] = [need(arch, 'H_m'), need(arch, 'd_hm'), need(arch, 'G'), need(arch, 'N'), need(arch, 'K_m')];
  // Lanes: x and B, C through the conv into the scan, Δ on its own into the scan, z to the norm.
  const [X, BC, DT, Z] = [0, 1, 2, 3];
  const rows: Cell[][] = [
    [cell('mamba2.in', X, Z, lbl('Linear in → x, B, C, Δ, z', `x, z: ${g(din)}; B, C: ${G} × ${N}; Δ: ${Hm}`), 'proj')],
    [cell('mamba2.conv', X, BC, lbl('Causal conv1d', `${K} taps, SiLU`), 'box'), cell('mamba2.dt', DT, DT, lbl('Δ + dt_bias', 'softplus'), 'box')],
    [cell('mamba2.core', X, DT, coreLabel('Scan (SSD)', [`${Hm} heads × ${P}`, `state ${N}, A per head, D`]), 'attention', 'attentionInk')],
    [cell('mamba2.norm', X, Z, lbl('Gated RMSNorm', `RMSNorm(y · SiLU(z)), ${G} groups`), 'norm')],
  ];
  const outLines = lbl(`Linear out ${g(din)} → ${g(d)}`);
  const widths = Grid.fit(4, [...rows, [cell('mamba2.out', X, Z, outLines, 'proj')]], [30, 30, 30, 16]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.mamba2'], widths, rows);
  grid.input('mamba2.in.stem', y0, [{ box: 'mamba2.in' }]);
  grid.lane('mamba2.lane.x', X, ['mamba2.in', 'mamba2.conv', 'mamba2.core', 'mamba2.norm']);
  grid.lane('mamba2.lane.bc', BC, ['mamba2.in', 'mamba2.conv', 'mamba2.core']);
  grid.lane('mamba2.lane.dt', DT, ['mamba2.in', 'mamba2.dt', 'mamba2.core']);
  grid.lane('mamba2.lane.z', Z, ['mamba2.in', 'mamba2.norm']);
  outputRow(grid, 'mamba2.norm', cell('mamba2.out', X, Z, outLines, 'proj'), 'mamba2.to_out', 'mamba2.out.arrow');
  const caption: Run[][] = [[strong('a state of '), accent(String(N)), strong(' per channel, no KV cache')]];
  const share = layerShare(arch, 'mamba2');
  if (share) caption.push(share);
  return finish('mamba2', 'Mamba-2 (state space duality)', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// MiniMax-Text-01's lightning attention.

/**
 * MiniMaxLightningAttention: `qkv_proj` and SiLU give q, k, v per head; linear attention keeps a
 * d_h × d_h state per head that decays by a fixed rate per head (`slope_rate`, a buffer); the
 * heads' output passes an RMSNorm, is multiplied by a sigmoid gate of the layer input
 * (`output_gate`), then `out_proj`.
 */
function lightningInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const H = need(arch, 'H');
  const dh = need(arch, 'd_h');
  const [X, G] = [0, 1];
  // Ling 2.5: no SiLU on q, k, v; per-head q and k norms and partial RoPE; a group RMSNorm.
  const groups = dim(arch, 'G_n');
  const rope = arch.layers.some((l) => l.attention.kind === 'lightning' && l.attention.rope);
  const qkRow: Cell[] = [
    ...(arch.flags.qk_norm === 'per_head' || rope ? [cell('lightning.qk', X, X, lbl([arch.flags.qk_norm === 'per_head' ? 'QK-Norm' : null, rope ? 'RoPE' : null].filter(Boolean).join(', ')), 'box')] : []),
  ];
  const rows: Cell[][] = [
    [cell('lightning.qkv', X, X, lbl('Linear Q, K, V', `3 × ${H} × ${dh}${groups === null ? ', SiLU' : ''}`), 'proj'), cell('lightning.gate', G, G, lbl('Linear gate', `${g(d)} → ${g(H * dh)}`), 'proj')],
    ...(qkRow.length ? [qkRow] : []),
    [cell('lightning.core', X, X, coreLabel('Linear attention', [`state ${dh} × ${dh} per head`, 'fixed decay per head']), 'attention', 'attentionInk')],
    [cell('lightning.norm', X, X, groups === null ? lbl('RMSNorm', `${H} × ${dh}`) : lbl('Group RMSNorm', `${groups} groups`), 'norm')],
    [cell('lightning.times', X, G, lbl('× σ(gate)'), 'box')],
  ];
  const outLines = lbl(`Linear out ${g(H * dh)} → ${g(d)}`);
  const widths = Grid.fit(2, [...rows, [cell('lightning.out', X, G, outLines, 'proj')]], [60, 40]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.lightning_attn'], widths, rows);
  grid.input('lightning.in.stem', y0, [{ box: 'lightning.qkv' }, { box: 'lightning.gate' }]);
  grid.lane('lightning.lane.x', X, ['lightning.qkv', ...(qkRow.length ? ['lightning.qk'] : []), 'lightning.core', 'lightning.norm', 'lightning.times']);
  grid.lane('lightning.lane.gate', G, ['lightning.gate', 'lightning.times']);
  outputRow(grid, 'lightning.times', cell('lightning.out', X, G, outLines, 'proj'), 'lightning.to_out', 'lightning.out.arrow');
  const caption: Run[][] = [[strong('a state of '), accent(`${dh} × ${dh}`), strong(' per head, no KV cache')]];
  const share = layerShare(arch, 'lightning');
  if (share) caption.push(share);
  return finish('lightning', 'Lightning attention (linear)', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// Kimi Delta Attention (Solar-Open2).

/**
 * KDA: q, k and v projections, each through a short depthwise conv and SiLU (q and k then
 * L2-normalised); the forget gate f (low-rank) with A_log and dt_bias gives a decay per channel,
 * b_proj gives β; the delta rule updates a d_l × d_l state per head; the output passes a gated
 * RMSNorm whose gate (low-rank g) reads the layer input; o_proj.
 */
function kdaInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const [H, dl, Hkv, K] = [need(arch, 'H_l'), need(arch, 'd_l'), need(arch, 'H_lkv'), need(arch, 'K_c')];
  // Solar-Open2's kda_use_full_proj: both gates full; Kimi K3's use_full_rank_gate: g only.
  const rankF = arch.flags.kda_full_gates ? 'full' : `rank ${dl}`;
  const rankG = arch.flags.kda_full_gates || arch.flags.kda_full_output_gate ? 'full' : `rank ${dl}`;
  const [X, F, G] = [0, 1, 2];
  const kv = Hkv === H ? `3 × ${H} × ${dl}` : `${H} + 2 × ${Hkv} heads × ${dl}`;
  const rows: Cell[][] = [
    [cell('kda.qkv', X, X, lbl('Linear Q, K, V', kv), 'proj'), cell('kda.f', F, F, lbl('Linear f, β', `f ${rankF}`), 'proj'), cell('kda.g', G, G, lbl('Linear g', rankG), 'proj')],
    [cell('kda.conv', X, X, lbl('Short convs, SiLU', `${K} taps; L2 on q, k`), 'box'), cell('kda.decay', F, F, lbl('Decay', 'A_log, dt_bias'), 'box')],
    [cell('kda.core', X, F, coreLabel('Delta rule', [`state ${dl} × ${dl} per head`, 'decay per channel, β']), 'attention', 'attentionInk')],
    [cell('kda.norm', X, G, lbl('Gated RMSNorm', '× σ(g)'), 'norm')],
  ];
  const outLines = lbl(`Linear out ${g(H * dl)} → ${g(d)}`);
  const widths = Grid.fit(3, [...rows, [cell('kda.out', X, G, outLines, 'proj')]], [40, 40, 30]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.kda'], widths, rows);
  grid.input('kda.in.stem', y0, ['kda.qkv', 'kda.f', 'kda.g'].map((box) => ({ box })));
  grid.lane('kda.lane.x', X, ['kda.qkv', 'kda.conv', 'kda.core', 'kda.norm']);
  grid.lane('kda.lane.f', F, ['kda.f', 'kda.decay', 'kda.core']);
  grid.lane('kda.lane.g', G, ['kda.g', 'kda.norm']);
  outputRow(grid, 'kda.norm', cell('kda.out', X, G, outLines, 'proj'), 'kda.to_out', 'kda.out.arrow');
  const caption: Run[][] = [[strong('a state of '), accent(`${dl} × ${dl}`), strong(' per head, no KV cache')]];
  const share = layerShare(arch, 'kda');
  if (share) caption.push(share);
  return finish('kda', 'Kimi Delta Attention (linear)', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// xLSTM's mLSTM layer.

/**
 * xLSTMLayer: q, k, v, the output gate and the input and forget gates all read the normalised
 * block input; per head a matrix memory C = f·C + i·kᵀv (and its normaliser) with an exponential
 * input gate and a sigmoid forget gate, read by q; the heads' norm, times σ(o); out_proj.
 */
function mlstmInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const [H, dqk, dv] = [need(arch, 'H'), need(arch, 'd_qk'), need(arch, 'd_v')];
  const [hk, hv] = [dqk / H, dv / H];
  const [Q, V, F, O] = [0, 1, 2, 3];
  const rows: Cell[][] = [
    [
      cell('mlstm.qk', Q, Q, lbl('Linear q, k', `2 × ${H} × ${hk}`), 'proj'),
      cell('mlstm.v', V, V, lbl('Linear v', `${H} × ${hv}`), 'proj'),
      cell('mlstm.if', F, F, lbl('Gates i, f', 'per head'), 'proj'),
      cell('mlstm.o', O, O, lbl('Gate o', `${g(dv)}`), 'proj'),
    ],
    [cell('mlstm.core', Q, F, coreLabel('Matrix memory', ['C ← f·C + i·kᵀv', `${hk} × ${hv} per head`]), 'attention', 'attentionInk')],
    [cell('mlstm.norm', Q, F, lbl('Head norm', `${hv} per head`), 'norm')],
    [cell('mlstm.gate', Q, O, lbl('× σ(o)'), 'box')],
  ];
  const outLines = lbl(`Linear out ${g(dv)} → ${g(d)}`);
  const widths = Grid.fit(4, [...rows, [cell('mlstm.out', Q, O, outLines, 'proj')]], [30, 30, 30, 30]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.mlstm'], widths, rows);
  grid.input('mlstm.in.stem', y0, ['mlstm.qk', 'mlstm.v', 'mlstm.if', 'mlstm.o'].map((box) => ({ box })));
  grid.lane('mlstm.lane.q', Q, ['mlstm.qk', 'mlstm.core', 'mlstm.norm', 'mlstm.gate']);
  grid.lane('mlstm.lane.v', V, ['mlstm.v', 'mlstm.core']);
  grid.lane('mlstm.lane.f', F, ['mlstm.if', 'mlstm.core']);
  grid.lane('mlstm.lane.o', O, ['mlstm.o', 'mlstm.gate']);
  outputRow(grid, 'mlstm.gate', cell('mlstm.out', Q, O, outLines, 'proj'), 'mlstm.to_out', 'mlstm.out.arrow');
  const caption: Run[][] = [[strong('a memory of '), accent(`${hk} × ${hv}`), strong(' per head, no KV cache')]];
  return finish('mlstm', 'mLSTM layer (matrix memory)', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------
// ZAYA1's compressed convolutional attention.

/**
 * ZayaAttention: q and k projections, concatenated through a depthwise and a grouped convolution
 * over time (added back to their means), L2-normed with a learned key scale, partial RoPE; the
 * values half from this token, half from the previous one; GQA; o_proj.
 */
function ccaInset(arch: ArchJson, opts: InsetOptions): Inset {
  const d = need(arch, 'd');
  const [H, Hkv, dh, t0, t1] = [need(arch, 'H'), need(arch, 'H_kv'), need(arch, 'd_h'), need(arch, 't_0'), need(arch, 't_1')];
  const rot = Math.round(arch.flags.partial_rotary * dh);
  const [Q, K, V] = [0, 1, 2];
  const rows: Cell[][] = [
    [cell('cca.q', Q, Q, lbl('Linear Q', `${H} × ${dh}`), 'proj'), cell('cca.k', K, K, lbl('Linear K', `${Hkv} × ${dh}`), 'proj'), cell('cca.v', V, V, lbl('Linear V', 'half now,', 'half previous'), 'proj')],
    [cell('cca.conv', Q, K, lbl('Convs over time', `${t0} taps depthwise, ${t1} grouped`), 'box')],
    [cell('cca.norm', Q, K, lbl('L2 norm, key scale', `RoPE on ${rot} of ${dh}`), 'box')],
    [cell('cca.core', Q, V, coreLabel('Scaled dot-product attention (causal)', [`${H} query, ${Hkv} KV heads`]), 'attention', 'attentionInk')],
  ];
  const outLines = lbl(`Linear output ${H} × ${dh} → ${g(d)}`);
  const widths = Grid.fit(3, [...rows, [cell('cca.o', Q, V, outLines, 'proj')]], 40);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.attn'], widths, rows);
  grid.input('cca.in', y0, [{ box: 'cca.q' }, { box: 'cca.k' }, { box: 'cca.v' }]);
  grid.lane('cca.lane.q', Q, ['cca.q', 'cca.conv', 'cca.norm', 'cca.core']);
  grid.lane('cca.lane.k', K, ['cca.k', 'cca.conv', 'cca.norm', 'cca.core']);
  grid.lane('cca.lane.v', V, ['cca.v', 'cca.core']);
  outputRow(grid, 'cca.core', cell('cca.o', Q, V, outLines, 'proj'), 'cca.to_o', 'cca.out');
  const caption: Run[][] = [[accent(String(H)), strong(' query heads, '), accent(String(Hkv)), strong(' key & value heads')], [strong('q and k convolved over '), accent(String(Math.max(t0, t1))), strong(' tokens')]];
  return finish('cca', 'Compressed convolutional attention', caption, formula, grid);
}

// ---------------------------------------------------------------------------------------------

/**
 * The insets that show attention internals: one per attention kind of the model (softmax
 * attention, MLA, Gated DeltaNet), each targeting the main stack's `attn` box. A hybrid
 * (Qwen3-Next) gets two: gated attention, then Gated DeltaNet. DeepSeek-V4 (`dsv4`) gets none
 * here; its compressed attention has an inset of its own.
 */
export function attentionInsets(arch: ArchJson, opts: InsetOptions = { formulas: true }): Inset[] {
  if (arch.family === 'dsv4') return [];
  const kinds = new Set(arch.layers.map((l) => l.attention.kind));
  const insets: Inset[] = [];
  if (kinds.has('mla')) insets.push(mlaInset(arch, opts));
  if (kinds.has('mla') && arch.units.some((u) => u.id === 'layers.indexer')) insets.push(indexerInset(arch, opts));
  if (kinds.has('softmax')) {
    const split = arch.layers.some(kEqVLayer(arch));
    insets.push(...(split ? kEqVViews(arch) : [ALL_SOFTMAX]).map((view) => softmaxInset(arch, opts, view)));
  }
  if (kinds.has('gated_deltanet')) insets.push(deltaNetInset(arch, opts));
  if (kinds.has('short_conv')) insets.push(shortConvInset(arch, opts));
  if (kinds.has('mamba')) insets.push(mambaInset(arch, opts));
  if (kinds.has('mamba2')) insets.push(mamba2Inset(arch, opts));
  if (kinds.has('lightning')) insets.push(lightningInset(arch, opts));
  if (kinds.has('kda')) insets.push(kdaInset(arch, opts));
  if (kinds.has('mlstm')) insets.push(mlstmInset(arch, opts));
  if (kinds.has('cca')) insets.push(ccaInset(arch, opts));
  return insets;
}
