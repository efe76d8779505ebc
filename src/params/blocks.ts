/**
 * Parameter formulas of every building block, as {@link Expr} trees over the config's dims.
 * Each function counts the tensors of one block; the comment names them as the checkpoints do.
 */
import type { ArchDescription, Dim, LayerSpec } from '../arch/types.js';
import { add, mul, num, type Expr } from './expr.js';
import type { UnitFamily } from './types.js';

/** One block of a layer or of the model, before layers are aggregated. */
export interface Draft {
  /** Stable identifier, unique within its scope (`attn`, `experts`, `compressor.r4`). */
  id: string;
  /** Human label, as a figure prints it. */
  name: string;
  family: UnitFamily;
  shape_in: number[];
  shape_out: number[];
  /** Named tensors or tensor groups; the block's formula is their sum. */
  parts: { name: string; expr: Expr }[];
  /** Parameters one token uses, when fewer than all (routed experts). */
  active?: Expr;
}

/** The dims of an architecture by name; a missing one is a bug in the `arch` stage. */
export function dimsOf(arch: ArchDescription): (name: string) => Dim {
  return (name) => {
    const dim = arch.dims[name];
    if (!dim) throw new Error(`internal: ${arch.model_type} has no dim "${name}"`);
    return dim;
  };
}

export function blockExpr(draft: Draft): Expr {
  return add(...draft.parts.map((p) => p.expr));
}

/** A norm over `width`: RMSNorm has a weight, LayerNorm a weight and a bias (Cohere's none). */
export function normParts(arch: ArchDescription, width: Expr | Dim): { name: string; expr: Expr }[] {
  return arch.flags.norm_kind === 'layernorm' && arch.flags.norm_bias !== false
    ? [{ name: 'weight', expr: mul(width) }, { name: 'bias', expr: mul(width) }]
    : [{ name: 'weight', expr: mul(width) }];
}

export function norm(arch: ArchDescription, id: string, name: string): Draft {
  const d = dimsOf(arch)('d');
  return { id, name, family: 'norm', shape_in: [d.value], shape_out: [d.value], parts: normParts(arch, d) };
}

/** A linear map `inDim → outDim`, with a bias of `outDim` when `bias`. */
function linear(name: string, inDim: Expr | Dim, outDim: Expr | Dim, bias: boolean): { name: string; expr: Expr }[] {
  const w = { name, expr: mul(inDim, outDim) };
  return bias ? [w, { name: `${name} bias`, expr: mul(outDim) }] : [w];
}

/** MHA/GQA/MQA: q_proj, k_proj, v_proj, o_proj (+ biases, sinks, output gate, head-wise gate).
 * A value head size of its own (`d_hv`, MiMo-V2's `v_head_dim`) sizes v_proj and o_proj. */
export function softmaxAttention(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, Hkv, dh] = [dim('d'), dim('H'), dim('H_kv'), dim('d_h')];
  // When d_h is hidden_size / heads, H·d_h is the model width itself: write it as d.
  const qWidth = dh.derived && H.value * dh.value === d.value ? mul(d) : mul(H, dh);
  const kvWidth = Hkv.value === H.value ? qWidth : mul(Hkv, dh);
  const dv = arch.dims['d_hv'];
  const vWidth = dv ? mul(Hkv, dv) : kvWidth;
  const oWidth = dv ? mul(H, dv) : qWidth;
  const { qkv, o } = arch.biases;
  const gated = arch.flags.output_gate;
  // Trinity's gate is its own gate_proj; Qwen3-Next's is the second half of q_proj.
  const separate = gated && arch.flags.output_gate_separate === true;
  const parts = [
    ...(separate
      ? [...linear('q_proj', d, qWidth, qkv), ...linear('gate_proj (output gate)', d, qWidth, false)]
      : linear(gated ? 'q_proj (query and output gate)' : 'q_proj', d, gated ? mul(2, qWidth) : qWidth, qkv)),
    ...linear('k_proj', d, kvWidth, qkv),
    // Gemma 4's global layers (attention_k_eq_v): the keys are the values, no v_proj.
    ...(arch.flags.k_eq_v ? [] : linear('v_proj', d, vWidth, qkv)),
    ...linear('o_proj', oWidth, d, o),
  ];
  // Laguna, Step 3.5: one gate per head, g_proj [H, d].
  if (arch.flags.head_gate) parts.push({ name: 'g_proj (head-wise gate)', expr: mul(d, H) });
  if (arch.flags.attention_sinks) parts.push({ name: 'sinks', expr: mul(H) });
  // Inkling: relative-position queries and logits over the layer's extent X; short convs on K, V.
  if (arch.flags.relative_logits) {
    const [drel, X] = [dim('d_rel'), dim('X')];
    parts.push({ name: 'r_proj', expr: mul(d, H, drel) }, { name: 'rel_logits_proj', expr: mul(drel, X) });
  }
  if (arch.flags.short_convs) parts.push({ name: 'k_sconv, v_sconv', expr: mul(2, Hkv, dh, dim('K')) });
  const kind = Hkv.value === H.value ? 'Multi-head' : Hkv.value === 1 ? 'Multi-query' : 'Grouped-query';
  // Qwen3-Next names its output-gated layer "gated attention"; the KV layout is in the formula.
  return { id: 'attn', name: gated ? 'Gated attention' : `${kind} attention`, family: 'attention', shape_in: [d.value], shape_out: [d.value], parts };
}

/** QK-norm: per head (Qwen3, Gemma 3: weights of d_h) or over the whole projection (OLMo 2). */
export function qkNorm(arch: ArchDescription): Draft | null {
  // Llama 4's L2 QK-norm has no weights.
  if (arch.flags.qk_norm === 'none' || arch.flags.qk_norm === 'l2' || arch.flags.qk_norm === 'unscaled') return null;
  const dim = dimsOf(arch);
  const [H, Hkv, dh] = [dim('H'), dim('H_kv'), dim('d_h')];
  const parts =
    arch.flags.qk_norm === 'per_head'
      ? [{ name: 'q_norm', expr: mul(dh) }, { name: 'k_norm', expr: mul(dh) }]
      : [{ name: 'q_norm', expr: mul(H, dh) }, { name: 'k_norm', expr: mul(Hkv, dh) }];
  return { id: 'qk_norm', name: 'QK-Norm', family: 'qk_norm', shape_in: [dh.value], shape_out: [dh.value], parts };
}

/** DeepSeek-V2/V3 Multi-head Latent Attention. */
export function mlaAttention(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, rkv, dn, dr, dv] = [dim('d'), dim('H'), dim('r_kv'), dim('d_nope'), dim('d_rope'), dim('d_v')];
  const bias = arch.biases.qkv;
  const qk = add(dn, dr);
  const rq = arch.dims['r_q'];
  const q = rq
    ? [
        ...linear('q_a_proj', d, rq, bias),
        { name: 'q_a_layernorm', expr: mul(rq) },
        ...linear('q_b_proj', rq, mul(H, qk), false),
      ]
    : linear('q_proj', d, mul(H, qk), false);
  // Motif's GDLA: K and V for H_kv heads; the output (and its gate, from the query latent) over
  // the H − H_n signal heads, with a learned weight of the noise heads per signal head.
  if (arch.flags.differential_heads) {
    const signal = dim('H_s');
    return {
      id: 'attn',
      name: 'Grouped differential latent attention',
      family: 'attention',
      shape_in: [d.value],
      shape_out: [d.value],
      parts: [
        ...q,
        ...linear('wq_b_gate (output gate)', rq!, mul(signal, dv), false),
        ...linear('wkv_a', d, add(rkv, dr), bias),
        { name: 'kv_norm', expr: mul(rkv) },
        ...linear('wkv_b', rkv, mul(dim('H_kv'), add(dn, dv)), false),
        ...linear('lambda_proj', d, signal, false),
        ...linear('wo', mul(signal, dv), d, arch.biases.o),
      ],
    };
  }
  const parts = [
    ...q,
    ...linear('kv_a_proj_with_mqa', d, add(rkv, dr), bias),
    { name: 'kv_a_layernorm', expr: mul(rkv) },
    ...linear('kv_b_proj', rkv, mul(H, add(dn, dv)), false),
    ...linear('o_proj', mul(H, dv), d, arch.biases.o),
  ];
  // Hy4: the heads' output times sigmoid(linear_gate(x)), linear_gate [H·d_v, d]; sinks [H].
  if (arch.flags.output_gate) parts.push(...linear('linear_gate (output gate)', d, mul(H, dv), false));
  if (arch.flags.attention_sinks) parts.push({ name: 'sinks', expr: mul(H) });
  const name = arch.flags.output_gate ? 'Gated Multi-head Latent Attention' : 'Multi-head Latent Attention';
  return { id: 'attn', name, family: 'attention', shape_in: [d.value], shape_out: [d.value], parts };
}

/**
 * DSA lightning indexer of MLA (GLM-5.2, DeepSeek-V3.2): queries from the q latent (`wq_b`), one
 * shared key (`wk`, then `k_norm`, a LayerNorm with bias), per-head weights (`weights_proj`);
 * GLM-5.3-Flash's pools its keys (`flags.indexer_kpool`: the pooling gate and position table).
 */
export function dsaIndexer(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, rq, Hi, di] = [dim('d'), dim('r_q'), dim('H_i'), dim('d_i')];
  return {
    id: 'indexer',
    name: 'Lightning indexer (DSA)',
    family: 'indexer',
    shape_in: [d.value],
    shape_out: [Hi.value],
    parts: [
      { name: 'wq_b', expr: mul(rq, Hi, di) },
      { name: 'wk', expr: mul(d, di) },
      { name: 'k_norm (weight, bias)', expr: mul(2, di) },
      { name: 'weights_proj', expr: mul(d, Hi) },
      ...(arch.flags.indexer_kpool ? [{ name: 'index_kpool_compress_gate', expr: mul(d, di) }, { name: 'index_kpool_compress_ape', expr: mul(dim('P_i'), di) }] : []),
    ],
  };
}

/**
 * MiniMax-M3's block-sparse attention indexer: `index_q_proj` [H_i·d_i, d], `index_k_proj` [d_i, d],
 * `index_q_norm` and `index_k_norm` [d_i].
 */
export function sparseIndexer(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, Hi, di] = [dim('d'), dim('H_i'), dim('d_i')];
  // Qwen4-exp's QSA indexer stores its queries and one key head fused (index_qk_proj).
  const qsa = arch.flags.qsa_indexer === true;
  return {
    id: 'indexer',
    name: qsa ? 'QSA indexer' : 'Block-sparse indexer',
    family: 'indexer',
    shape_in: [d.value],
    shape_out: [Hi.value],
    parts: [
      { name: qsa ? 'index_qk_proj (queries)' : 'index_q_proj', expr: mul(d, Hi, di) },
      { name: qsa ? 'index_qk_proj (key)' : 'index_k_proj', expr: mul(d, di) },
      { name: qsa ? 'q_layernorm, k_layernorm' : 'index_q_norm, index_k_norm', expr: mul(2, di) },
    ],
  };
}

/**
 * Qwen4-exp's n-gram memory (Qwen4ExpPLELayer) on a `ple_layer_ids` layer: the table
 * `ngram_embedding` [P_g, e_g] (looked up by the hashed bigrams and trigrams, one slice of e_g per
 * hash head), then `key_proj` [n_hc·d, E_g], `value_proj` [d, E_g], `norm_key`, `norm_query`,
 * `norm_conv` [n_hc·d] and a short `conv1d` [n_hc·d, 1, K_g] that gate it into the streams.
 */
export function ngramMemory(arch: ArchDescription): Draft[] {
  const dim = dimsOf(arch);
  const [d, hc, P, e, E, K] = [dim('d'), dim('hc'), dim('P_g'), dim('e_g'), dim('E_g'), dim('K_g')];
  return [
    { id: 'ngram_table', name: 'N-gram embedding table', family: 'embedding', shape_in: [P.value], shape_out: [e.value], parts: [{ name: 'ngram_embedding', expr: mul(P, e) }] },
    {
      id: 'ngram_mix',
      name: 'N-gram gate, norms and conv',
      family: 'embedding',
      shape_in: [E.value],
      shape_out: [hc.value * d.value],
      parts: [
        { name: 'key_proj', expr: mul(hc, d, E) },
        { name: 'value_proj', expr: mul(d, E) },
        { name: 'norm_key, norm_query, norm_conv', expr: mul(3, hc, d) },
        { name: 'conv1d', expr: mul(hc, d, K) },
      ],
    },
  ];
}

/**
 * LFM2's gated short convolution (Lfm2ShortConv): `in_proj` [3d, d] gives B, C and x; B ⊙ x passes
 * a depthwise `conv` of K taps [d, 1, K]; C gates its output; `out_proj` [d, d] (no biases).
 */
export function gatedShortConv(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, K] = [dim('d'), dim('K_c')];
  return {
    id: 'conv',
    name: 'Gated short convolution',
    family: 'linear_attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [...linear('in_proj', d, mul(3, d), false), { name: 'conv', expr: mul(d, K) }, ...linear('out_proj', d, d, false)],
  };
}

/**
 * Jamba's Mamba mixer (JambaMambaMixer): `in_proj` [2·d_in, d] (x and the gate z), a depthwise
 * `conv1d` of K taps with its bias, `x_proj` [r + 2·N, d_in] (Δ, B, C), `dt_proj` [d_in, r] with
 * its bias, `A_log` [d_in, N], `D` [d_in], `out_proj` [d, d_in]; RMSNorms over Δ, B and C.
 * (`mamba_proj_bias` would add biases to in_proj and out_proj; refused by the reader.)
 */
export function mambaMixer(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, din, K, r, N] = [dim('d'), dim('d_in'), dim('K_m'), dim('r_dt'), dim('N')];
  const bias = false;
  return {
    id: 'mamba',
    name: 'Mamba mixer',
    family: 'linear_attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [
      ...linear('in_proj', d, mul(2, din), bias),
      { name: 'conv1d (weight, bias)', expr: add(mul(din, K), din) },
      ...linear('x_proj', din, add(r, mul(2, N)), false),
      ...linear('dt_proj', r, din, true),
      { name: 'A_log, D', expr: add(mul(din, N), din) },
      ...linear('out_proj', din, d, bias),
      { name: 'dt_layernorm, b_layernorm, c_layernorm', expr: add(r, mul(2, N)) },
    ],
  };
}

/**
 * A Mamba-2 mixer (Nemotron-H's NemotronHMamba2Mixer) over `d_in` = H_m · d_hm channels, `G`
 * groups of B and C with `N` states: `in_proj` [2·d_in + 2·G·N + H_m, d] (z, x, B, C and Δ per
 * head), a depthwise `conv1d` of K taps with its bias over x, B and C, `dt_bias`, `A_log` and
 * `D` [H_m] (one decay per head, not per channel as in Mamba-1), the gated RMSNorm `norm`
 * [d_in], `out_proj` [d, d_in]. (`use_bias` would add biases to both projections; refused.)
 */
export function mamba2Mixer(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, din, Hm, G, N, K] = [dim('d'), dim('d_in'), dim('H_m'), dim('G'), dim('N'), dim('K_m')];
  const conv = add(din, mul(2, G, N));
  return {
    id: 'mamba2',
    name: 'Mamba-2 mixer',
    family: 'linear_attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [
      ...linear('in_proj (z, x, B, C, dt)', d, add(mul(2, din), mul(2, G, N), Hm), false),
      { name: 'conv1d (weight, bias)', expr: add(mul(conv, K), conv) },
      { name: 'dt_bias, A_log, D', expr: mul(3, Hm) },
      { name: 'norm (gated RMSNorm)', expr: mul(din) },
      ...linear('out_proj', din, d, false),
    ],
  };
}

/**
 * MiniMax-Text-01's lightning attention (MiniMaxLightningAttention): `qkv_proj` [3·H·d_h, d],
 * `output_gate` [H·d_h, d] (a sigmoid gate of the layer input), `norm` [H·d_h] over the heads'
 * output, `out_proj` [d, H·d_h]; the per-head decay is a buffer (`slope_rate`), not a parameter.
 */
export function lightningAttention(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, dh] = [dim('d'), dim('H'), dim('d_h')];
  // Ling 2.5 (BailingMoeV2_5LinearAttention, with its group norm) names them query_key_value,
  // g_proj, g_norm and dense, and normalises q and k per head (query_layernorm, key_layernorm).
  const ling = arch.dims['G_n'] !== undefined;
  const [qkv, gate, norm, out] = ling ? ['query_key_value', 'g_proj', 'g_norm (group RMSNorm)', 'dense'] : ['qkv_proj', 'output_gate', 'norm', 'out_proj'];
  const parts = [
    { name: qkv, expr: mul(3, d, H, dh) },
    ...(arch.flags.qk_norm === 'per_head' ? [{ name: 'query_layernorm, key_layernorm', expr: mul(2, dh) }] : []),
    { name: gate, expr: mul(d, H, dh) },
    { name: norm, expr: mul(H, dh) },
    { name: out, expr: mul(H, dh, d) },
  ];
  return { id: 'lightning_attn', name: 'Lightning attention', family: 'linear_attention', shape_in: [d.value], shape_out: [d.value], parts };
}

/**
 * Kimi Delta Attention (SolarOpen2LinearAttention, Kimi Linear's KimiDeltaAttention), over H_l
 * heads of d_l (H_lkv key/value heads): q_proj [H_l·d_l, d], k_proj and v_proj [H_lkv·d_l, d],
 * depthwise short convs on each (q/k/v_conv1d [C, 1, K], no bias), the forget gate f and the
 * output gate g as low-rank pairs (f_a_proj [d_l, d], f_b_proj [H_l·d_l, d_l]; g_a, g_b alike) or
 * full projections [H_l·d_l, d], b_proj [H_l, d] for β, A_log [H_l], dt_bias [H_l·d_l] (one decay
 * per channel), the gated RMSNorm o_norm [d_l] shared by the heads, o_proj [d, H_l·d_l].
 */
export function kdaAttention(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, dl, Hkv, K] = [dim('d'), dim('H_l'), dim('d_l'), dim('H_lkv'), dim('K_c')];
  const width = mul(H, dl);
  const kv = Hkv.value === H.value ? width : mul(Hkv, dl);
  // Solar-Open2's kda_use_full_proj: both gates full; Kimi K3's use_full_rank_gate: the output gate only.
  const full = (name: string) => arch.flags.kda_full_gates === true || (name === 'g' && arch.flags.kda_full_output_gate === true);
  const gate = (name: string) => (full(name) ? [{ name: `${name}_proj`, expr: mul(d, width) }] : [{ name: `${name}_a_proj, ${name}_b_proj`, expr: add(mul(d, dl), mul(dl, width)) }]);
  return {
    id: 'kda',
    name: 'Kimi Delta Attention',
    family: 'linear_attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [
      { name: 'q_proj', expr: mul(d, width) },
      { name: 'k_proj, v_proj', expr: mul(2, d, kv) },
      { name: 'q_conv1d, k_conv1d, v_conv1d', expr: mul(add(width, mul(2, kv)), K) },
      ...gate('f'),
      ...gate('g'),
      { name: 'b_proj', expr: mul(d, H) },
      { name: 'A_log', expr: mul(H) },
      { name: 'dt_bias', expr: width },
      { name: 'o_norm', expr: mul(dl) },
      { name: 'o_proj', expr: mul(width, d) },
    ],
  };
}

/**
 * One of Kimi K3's block attention residuals: a learned query (`<prefix>_proj` [1, d]) and the
 * RMSNorm of the keys (`<prefix>_norm` [d]) that mix the block sums into a sub-layer's input.
 */
export function attentionResidual(arch: ArchDescription, id: 'attn_res' | 'mlp_res' | 'output_attn_res', prefix: string): Draft {
  const d = dimsOf(arch)('d');
  const name = { attn_res: 'Attention residual (attention input)', mlp_res: 'Attention residual (FFN input)', output_attn_res: 'Attention residual (output)' }[id];
  return { id, name, family: 'attention_residual', shape_in: [d.value], shape_out: [d.value], parts: [{ name: `${prefix}_proj, ${prefix}_norm`, expr: mul(2, d) }] };
}

/**
 * xLSTM's mLSTM layer (xLSTMLayer): q and k [d_qk, d], v [d_v, d], the output gate `ogate_preact`
 * [d_v, d], the input and forget gates `igate_preact`, `fgate_preact` [H, d] with their biases
 * (bias=True whatever `use_bias` says), `multihead_norm` [d_v] (one weight over the heads),
 * `out_proj` [d, d_v].
 */
export function mlstmLayer(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, dqk, dv] = [dim('d'), dim('H'), dim('d_qk'), dim('d_v')];
  return {
    id: 'mlstm',
    name: 'mLSTM layer',
    family: 'linear_attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [
      { name: 'q, k', expr: mul(2, d, dqk) },
      { name: 'v', expr: mul(d, dv) },
      { name: 'ogate_preact', expr: mul(d, dv) },
      { name: 'igate_preact, fgate_preact (weight, bias)', expr: mul(2, add(mul(d, H), H)) },
      { name: 'multihead_norm', expr: mul(dv) },
      { name: 'out_proj', expr: mul(dv, d) },
    ],
  };
}

/**
 * ZAYA1's compressed convolutional attention (ZayaAttention, ZayaCCAProjection): q_proj [H·d_h, d],
 * k_proj [H_kv·d_h, d], values as two halves, `v_proj_current` and `v_proj_delayed` [H_kv·d_h/2, d]
 * (the second reads the previous token); q and k concatenated (C = (H + H_kv)·d_h channels) pass
 * `conv_qk_depthwise` [C, 1, t0] and `conv_qk_grouped` [C, C/(H + H_kv), t1], both with biases;
 * `qk_norm.temp` [H_kv] scales the L2-normed keys; o_proj [d, H·d_h].
 */
export function ccaAttention(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, Hkv, dh, t0, t1] = [dim('d'), dim('H'), dim('H_kv'), dim('d_h'), dim('t_0'), dim('t_1')];
  const C = add(mul(H, dh), mul(Hkv, dh));
  return {
    id: 'attn',
    name: 'Compressed convolutional attention',
    family: 'attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [
      { name: 'q_proj', expr: mul(d, H, dh) },
      { name: 'k_proj', expr: mul(d, Hkv, dh) },
      // Hkv·dh/2 each: written as Hkv·dh over the two
      { name: 'v_proj_current, v_proj_delayed', expr: mul(d, Hkv, dh) },
      { name: 'conv_qk_depthwise (weight, bias)', expr: add(mul(C, t0), C) },
      { name: 'conv_qk_grouped (weight, bias)', expr: add(mul(C, dh, t1), C) },
      { name: 'qk_norm.temp', expr: mul(Hkv) },
      { name: 'o_proj', expr: mul(H, dh, d) },
    ],
  };
}

/**
 * ZAYA1's router (ZayaRouter): `down_proj` [r, d] with its bias, `router_states_scale` [r] where
 * the layer carries the previous layer's router state, the router MLP's RMSNorm [r], `fc1` and
 * `fc2` [r, r] with biases, `out_proj` [E + 1, r] (the last class skips the experts).
 */
export function routerMlp(arch: ArchDescription, layer: LayerSpec): Draft {
  const dim = dimsOf(arch);
  const [d, r, E] = [dim('d'), dim('r_r'), dim('E')];
  const carried = layer.ffn.router_state === true;
  return {
    id: carried ? 'router' : 'router.first',
    name: carried ? 'Router MLP' : 'Router MLP (first layer, no carried state)',
    family: 'router',
    shape_in: [d.value],
    shape_out: [E.value + 1],
    parts: [
      ...linear('down_proj', d, r, true),
      ...(carried ? [{ name: 'router_states_scale', expr: mul(r) }] : []),
      { name: 'router_mlp.norm', expr: mul(r) },
      { name: 'router_mlp.fc1, fc2 (weight, bias)', expr: mul(2, add(mul(r, r), r)) },
      { name: 'router_mlp.out_proj', expr: mul(add(E, 1), r) },
    ],
  };
}

/** ZAYA1's learned residual scaling of one sub-layer: four vectors [d] (`hidden_states_scale`,
 * `hidden_states_bias`, `residual_scale`, `residual_bias`). */
export function residualScaling(arch: ArchDescription, id: 'res_scale_attn' | 'res_scale_ffn'): Draft {
  const d = dimsOf(arch)('d');
  const prefix = id === 'res_scale_attn' ? 'post_attention_residual_scale' : 'post_mlp_residual_scale';
  return { id, name: id === 'res_scale_attn' ? 'Residual scaling (attention)' : 'Residual scaling (FFN)', family: 'norm', shape_in: [d.value], shape_out: [d.value], parts: [{ name: `${prefix} (scales and biases)`, expr: mul(4, d) }] };
}

/** Qwen3-Next Gated DeltaNet (linear attention). */
export function gatedDeltaNet(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, Hk, dk, Hv, dv, K] = [dim('d'), dim('H_k'), dim('d_k'), dim('H_v'), dim('d_v'), dim('K_conv')];
  const keyDim = mul(Hk, dk);
  const valueDim = mul(Hv, dv);
  const parts = [
    // in_proj_qkvz: q, k (key_dim each), v, z (value_dim each)
    { name: 'in_proj_qkvz', expr: mul(d, add(mul(2, keyDim), mul(2, valueDim))) },
    // in_proj_ba: the β and α gates, one per value head each
    { name: 'in_proj_ba', expr: mul(d, 2, Hv) },
    // depthwise causal conv1d over q, k, v channels, no bias
    { name: 'conv1d', expr: mul(add(mul(2, keyDim), valueDim), K) },
    { name: 'dt_bias', expr: mul(Hv) },
    { name: 'A_log', expr: mul(Hv) },
    { name: 'norm (gated RMSNorm)', expr: mul(dv) },
    { name: 'out_proj', expr: mul(valueDim, d) },
  ];
  return { id: 'linear_attn', name: 'Gated DeltaNet', family: 'linear_attention', shape_in: [d.value], shape_out: [d.value], parts };
}

/** Dense FFN: gated (gate, up, down) or a two-matrix MLP, with biases where the model has them. */
export function denseFfn(arch: ArchDescription, doubleWide = false): Draft {
  const dim = dimsOf(arch);
  const d = dim('d');
  // Gemma 4 use_double_wide_mlp: 2·d_ff on the KV-shared layers.
  const dff = doubleWide ? mul(2, dim('d_ff')) : dim('d_ff');
  const bias = arch.biases.ffn;
  const gated = arch.flags.ffn_kind !== 'mlp';
  const parts = gated
    ? [...linear('gate_proj', d, dff, bias), ...linear('up_proj', d, dff, bias), ...linear('down_proj', dff, d, bias)]
    : [...linear('fc_in', d, dff, bias), ...linear('fc_out', dff, d, bias)];
  // Inkling: a learned scalar scales each dense MLP's output; Motif: PolyNorm's weight [3], bias [1].
  if (arch.flags.global_scale) parts.push({ name: 'global_scale', expr: num(1) });
  if (arch.flags.polynorm) parts.push({ name: 'act_fn (PolyNorm weight, bias)', expr: num(4) });
  const label = arch.flags.polynorm ? 'FeedForward (gated, PolyNorm)' : arch.activation === 'situ' ? 'FeedForward (SiTU GLU)' : { swiglu: 'FeedForward (SwiGLU)', geglu: 'FeedForward (GeGLU)', mlp: `FeedForward (${activationName(arch.activation)} MLP)` }[arch.flags.ffn_kind];
  if (doubleWide) return { id: 'ffn.double_wide', name: `${label}, double width`, family: 'ffn', shape_in: [d.value], shape_out: [d.value], parts };
  return { id: 'ffn', name: label, family: 'ffn', shape_in: [d.value], shape_out: [d.value], parts };
}

/** Inkling's depthwise short convolution over the model width (`attn_sconv`, `mlp_sconv` [d, 1, K]). */
export function shortConv(arch: ArchDescription, id: 'attn_sconv' | 'mlp_sconv'): Draft {
  const dim = dimsOf(arch);
  const [d, K] = [dim('d'), dim('K')];
  return { id, name: id === 'attn_sconv' ? 'Short conv (after attention)' : 'Short conv (after the FFN)', family: 'short_conv', shape_in: [d.value], shape_out: [d.value], parts: [{ name: id, expr: mul(d, K) }] };
}

/**
 * Gemma 4's per-layer input (PLE): after the FFN's residual, `per_layer_input_gate` [d_ple, d]
 * and its activation gate the layer's d_ple slice of the per-layer embedding,
 * `per_layer_projection` [d, d_ple] maps it back, `post_per_layer_input_norm` [d], added back.
 */
export function perLayerInput(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, ple] = [dim('d'), dim('d_ple')];
  return {
    id: 'ple',
    name: 'Per-layer input gate',
    family: 'embedding',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [...linear('per_layer_input_gate', d, ple, false), ...linear('per_layer_projection', ple, d, false), { name: 'post_per_layer_input_norm', expr: mul(d) }],
  };
}

/** LongCat-Flash-Lite's n-gram tables (`embedders.i` [m + 2i + 1, d_g], looked up) and their
 * projections to the model width (`post_projs.i` [d, d_g]). */
export function ngramTables(arch: ArchDescription): Draft[] {
  const dim = dimsOf(arch);
  const [d, N, m, dg] = [dim('d'), dim('N_g'), dim('m'), dim('d_g')];
  // Σ over i < N of (m + 2i + 1) rows = N·m + N² (the odd numbers sum to a square)
  const rows = add(mul(N, m), mul(N, N));
  return [
    { id: 'ngram_embed', name: 'N-gram embeddings', family: 'embedding', shape_in: [m.value], shape_out: [dg.value], parts: [{ name: 'embedders (m + 2i + 1 rows each)', expr: mul(rows, dg) }] },
    { id: 'ngram_proj', name: 'N-gram projections', family: 'embedding', shape_in: [dg.value], shape_out: [d.value], parts: [{ name: 'post_projs', expr: mul(N, dg, d) }] },
  ];
}

/** Gemma 4's per-layer embedding table, `embed_tokens_per_layer` [V_ple, L·d_ple] (looked up). */
export function perLayerTable(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [Vp, L, ple] = [dim('V_ple'), dim('L'), dim('d_ple')];
  return { id: 'ple_embed', name: 'Per-layer embeddings', family: 'embedding', shape_in: [Vp.value], shape_out: [L.value * ple.value], parts: [{ name: 'embed_tokens_per_layer', expr: mul(Vp, L, ple) }] };
}

/** The context half of the per-layer inputs: `per_layer_model_projection` [L·d_ple, d] of the
 * token embedding and `per_layer_projection_norm` [d_ple]. */
export function perLayerProjection(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, L, ple] = [dim('d'), dim('L'), dim('d_ple')];
  return {
    id: 'ple_projection',
    name: 'Per-layer projection',
    family: 'embedding',
    shape_in: [d.value],
    shape_out: [L.value * ple.value],
    parts: [{ name: 'per_layer_model_projection', expr: mul(d, L, ple) }, { name: 'per_layer_projection_norm', expr: mul(ple) }],
  };
}

/** An activation as papers write it: `gelu_new` → GELU, `relu` → ReLU, `silu` → SiLU. */
function activationName(act: string): string {
  const base = act.toLowerCase().replace(/_(new|fast|pytorch_tanh|python|accurate)$/, '');
  const known = new Map(Object.entries({ gelu: 'GELU', relu: 'ReLU', silu: 'SiLU', swish: 'Swish', tanh: 'tanh', quick_gelu: 'QuickGELU', poly_norm: 'PolyNorm', relu2: 'ReLU²', situ: 'SiTU' }));
  return known.get(base) ?? base.toUpperCase();
}

/** MoE router: a linear map to expert logits, plus a selection bias (noaux_tc) or a bias vector. */
export function router(arch: ArchDescription, layer: LayerSpec): Draft {
  const dim = dimsOf(arch);
  const [d, E] = [dim('d'), dim('E')];
  // LongCat: the router also scores Z identity experts (`classifier` [E + Z, d]).
  const Z = arch.dims['Z'];
  const scored = Z ? add(E, Z) : mul(E);
  // Inkling (shared_expert_sink): rows for the shared experts too, which have no selection bias.
  const rows = arch.flags.shared_expert_router_rows ? add(scored, dim('n_s')) : scored;
  const parts = [{ name: 'gate weight', expr: mul(rows, d) }];
  // DeepSeek-V4's hash layers have no selection bias: their experts come from tid2eid.
  if (arch.flags.router_bias && layer.ffn.routing !== 'hash') parts.push({ name: 'e_score_correction_bias', expr: scored });
  if (arch.flags.global_scale) parts.push({ name: 'global_scale', expr: num(1) });
  if (arch.biases.router) parts.push({ name: 'router bias', expr: mul(E) });
  // DeepSeek-V4.1: a second selection bias for image tokens.
  if (arch.flags.router_vision_bias) parts.push({ name: 'bias_vl', expr: mul(E) });
  // Gemma 4: router.scale over the input, router.per_expert_scale over the gates (router.norm has no weight).
  if (arch.flags.gemma4_moe) parts.push({ name: 'scale', expr: mul(d) }, { name: 'per_expert_scale', expr: mul(E) });
  const hash = layer.ffn.routing === 'hash';
  return {
    id: hash ? 'router.hash' : 'router',
    name: hash ? 'Router (hash routing)' : 'Router',
    family: 'router',
    shape_in: [d.value],
    shape_out: [E.value + (Z?.value ?? 0) + (arch.flags.shared_expert_router_rows ? dim('n_s').value : 0)],
    parts,
  };
}

/**
 * Routed experts: E experts of width d_e, gated (gate, up, down) or, where the MLPs are not
 * (Nemotron-H's relu2), two matrices (up, down); k of them are active per token. In a latent MoE
 * (`d_lat`, Nemotron-H `moe_latent_size`) they read and write the latent, not the model width.
 */
export function routedExperts(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [E, k, de] = [dim('E'), dim('k'), dim('d_e')];
  const d = arch.dims['d_lat'] ?? dim('d');
  const m = arch.flags.ffn_kind === 'mlp' ? 2 : 3;
  // gpt-oss: a bias on each matrix, d_e wide for gate and up, d for down.
  const biases = add(mul(m - 1, de), d);
  const one = add(arch.biases.experts ? add(mul(m, d, de), biases) : mul(m, d, de), arch.flags.polynorm ? 4 : 0);
  const parts = [{ name: m === 3 ? 'experts (gate, up, down)' : 'experts (up, down)', expr: mul(E, m, d, de) }];
  if (arch.biases.experts) parts.push({ name: 'expert biases', expr: mul(E, biases) });
  // Motif: each expert's PolyNorm (weight [E, 3], bias [E, 1]).
  if (arch.flags.polynorm) parts.push({ name: 'experts.act_fn (PolyNorm)', expr: mul(4, E) });
  return {
    id: 'experts',
    name: 'Routed experts',
    family: 'experts',
    shape_in: [d.value],
    shape_out: [d.value],
    parts,
    active: mul(k, one),
  };
}

/** A latent MoE's way in and out (Nemotron-H `moe_latent_size`): `fc1_latent_proj` [d_lat, d]
 * before the routed experts, `fc2_latent_proj` [d, d_lat] after them; none without a latent. */
export function latentProjections(arch: ArchDescription): Draft[] {
  const lat = arch.dims['d_lat'];
  if (!lat) return [];
  const d = dimsOf(arch)('d');
  const names = arch.latent_moe ?? { down: 'fc1_latent_proj', up: 'fc2_latent_proj', norm: null };
  // Kimi K3: an RMSNorm over the experts' weighted sum, before the way up.
  const norm = names.norm ? [{ name: names.norm, expr: mul(lat) }] : [];
  return [{ id: 'latent_proj', name: 'Latent projections', family: 'experts', shape_in: [d.value], shape_out: [d.value], parts: [...linear(names.down, d, lat, false), ...norm, ...linear(names.up, lat, d, false)] }];
}

/** Shared experts: DeepSeek's n_s experts of width d_e, or Qwen's one of width d_s with a gate. */
export function sharedExperts(arch: ArchDescription): Draft[] {
  if (!arch.flags.shared_experts) return [];
  const dim = dimsOf(arch);
  const d = dim('d');
  const ns = arch.dims['n_s'];
  const width = arch.dims['d_s'] ? mul(dim('d_s')) : ns ? mul(ns, dim('d_e')) : mul(dim('d_e'));
  const drafts: Draft[] = [
    {
      id: 'shared_experts',
      name: ns && ns.value > 1 ? `Shared experts (${ns.value})` : 'Shared expert',
      family: 'shared_experts',
      shape_in: [d.value],
      shape_out: [d.value],
      // Motif's shared expert has its PolyNorm too; Nemotron-H's is a relu2 MLP (up, down).
      parts: [
        arch.flags.ffn_kind === 'mlp' ? { name: 'up, down', expr: mul(2, d, width) } : { name: 'gate, up, down', expr: mul(3, d, width) },
        ...(arch.flags.polynorm ? [{ name: 'act_fn (PolyNorm weight, bias)', expr: num(4) }] : []),
      ],
    },
  ];
  if (arch.flags.shared_expert_gate) {
    drafts.push({ id: 'shared_expert_gate', name: 'Shared-expert gate', family: 'router', shape_in: [d.value], shape_out: [1], parts: [{ name: 'shared_expert_gate', expr: mul(d) }] });
  }
  return drafts;
}
