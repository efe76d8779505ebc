/**
 * Parameter formulas of the towers of multimodal wrappers (see `../arch/towers.ts`), one per
 * tower kind, named by the checkpoint's tensors.
 */
import type { TowerKind, TowerSpec } from '../arch/towers.js';
import type { Dim } from '../arch/types.js';
import { add, mul, type Expr } from './expr.js';
import type { Draft } from './blocks.js';

type Parts = { name: string; expr: Expr }[];

/** `L_v` pre-norm ViT blocks: biased q/k/v/out projections, a biased two-layer MLP, two LayerNorms
 * (weight and bias), named as the tower's checkpoint names them. */
function vitBlocks(Lv: Dim, h: Dim, f: Dim, names: [attention: string, mlp: string, norms: string]): Parts {
  return [
    { name: `blocks: ${names[0]} (with biases)`, expr: mul(Lv, add(mul(4, h, h), mul(4, h))) },
    { name: `blocks: ${names[1]} (with biases)`, expr: mul(Lv, add(mul(2, h, f), f, h)) },
    { name: `blocks: ${names[2]} (LayerNorm)`, expr: mul(Lv, 4, h) },
  ];
}

/** A patch merger: a LayerNorm over `norm`, then biased `m → m` and `m → d` maps. */
function mergerParts(norm: Dim, m: Dim, d: Dim, names: [norm: string, first: string, second: string]): Parts {
  return [
    { name: `${names[0]} (LayerNorm)`, expr: mul(2, norm) },
    { name: `${names[1]} (weight, bias)`, expr: add(mul(m, m), m) },
    { name: `${names[2]} (weight, bias)`, expr: add(mul(m, d), d) },
  ];
}

const FORMULAS: Record<TowerKind, (dim: (name: string) => Dim) => Parts> = {
  // MoonViT: Conv2d patch embedding with bias, a learned P_h × P_w position table, L_v blocks of
  // biased wqkv / wo / fc0 / fc1 with two LayerNorms (weight and bias), a final LayerNorm.
  moonvit: (dim) => {
    const [h, f, Lv, p, Ph, Pw] = [dim('h_v'), dim('f_v'), dim('L_v'), dim('p'), dim('P_h'), dim('P_w')];
    return [
      { name: 'patch_embed.proj (weight, bias)', expr: add(mul(3, p, p, h), h) },
      { name: 'patch_embed.pos_emb', expr: mul(Ph, Pw, h) },
      ...vitBlocks(Lv, h, f, ['wqkv, wo', 'mlp.fc0, mlp.fc1', 'norm0, norm1']),
      { name: 'final_layernorm', expr: mul(2, h) },
    ];
  },
  // Kimi K3's MoonViT: no biases, RMSNorms, attention q_v wide: wqkv [3·q_v, h_v], wo [h_v, q_v].
  moonvit_k3: (dim) => {
    const [h, q, f, Lv, p, Ph, Pw] = [dim('h_v'), dim('q_v'), dim('f_v'), dim('L_v'), dim('p'), dim('P_h'), dim('P_w')];
    return [
      { name: 'patch_embed.proj', expr: mul(3, p, p, h) },
      { name: 'patch_embed.pos_emb', expr: mul(Ph, Pw, h) },
      { name: 'blocks: wqkv, wo', expr: mul(Lv, 4, q, h) },
      { name: 'blocks: mlp.fc0, mlp.fc1', expr: mul(Lv, 2, h, f) },
      { name: 'blocks: norm0, norm1 (RMSNorm)', expr: mul(Lv, 2, h) },
      { name: 'final_layernorm (RMSNorm)', expr: mul(h) },
    ];
  },
  // Kimi K3's patch merger v2: proj.0 (m → m), proj.2 (m → d), no biases, then an RMSNorm over d.
  patch_merger_v2: (dim) => {
    const [m, d] = [dim('m'), dim('d')];
    return [
      { name: 'proj.0', expr: mul(m, m) },
      { name: 'proj.2', expr: mul(m, d) },
      { name: 'post_norm (RMSNorm)', expr: mul(d) },
    ];
  },
  // Patch merger: LayerNorm over the vision width, then proj.0 (m → m) and proj.2 (m → d), biased,
  // where m is the vision width times the merged patches.
  patch_merger_mlp: (dim) => {
    return mergerParts(dim('h_mm'), dim('m'), dim('d'), ['pre_norm', 'proj.0', 'proj.2']);
  },
  // Qwen3.5 ViT: Conv3d patches with bias, a learned position table, L_v blocks of biased qkv /
  // proj / linear_fc1 / linear_fc2 with two LayerNorms.
  qwen_vit: (dim) => {
    const [h, f, Lv, p, t, c, P] = [dim('h_v'), dim('f_v'), dim('L_v'), dim('p'), dim('t'), dim('c'), dim('P')];
    return [
      { name: 'patch_embed.proj (weight, bias)', expr: add(mul(c, t, p, p, h), h) },
      { name: 'pos_embed', expr: mul(P, h) },
      ...vitBlocks(Lv, h, f, ['attn.qkv, attn.proj', 'mlp.linear_fc1, linear_fc2', 'norm1, norm2']),
    ];
  },
  // Qwen3.5 merger: LayerNorm over the vision width, linear_fc1 (m → m), linear_fc2 (m → d), biased.
  qwen_merger: (dim) => {
    return mergerParts(dim('h_v'), dim('m'), dim('d'), ['norm', 'linear_fc1', 'linear_fc2']);
  },
  // Gemma 4 12B vision: patch_ln1 over p²·3, patch_dense, patch_ln2, a [P, 2, E] position table
  // with its norm (LayerNorms with biases), then embedding_projection to the text width.
  gemma4_patch_embedder: (dim) => {
    const [p, E, P, o, d] = [dim('p'), dim('E'), dim('P'), dim('o'), dim('d')];
    const patch = mul(3, p, p);
    return [
      { name: 'patch_ln1 (LayerNorm)', expr: mul(2, patch) },
      { name: 'patch_dense (weight, bias)', expr: add(mul(patch, E), E) },
      { name: 'patch_ln2 (LayerNorm)', expr: mul(2, E) },
      { name: 'pos_embedding', expr: mul(P, 2, E) },
      { name: 'pos_norm (LayerNorm)', expr: mul(2, E) },
      { name: 'embedding_projection', expr: mul(o, d) },
    ];
  },
  // Muse Glimmer ViT: patches without bias, a position table, ln_pre and ln_post, L_v blocks of
  // biased q/k/v/proj and fc1/fc2 with two LayerNorms.
  muse_vit: (dim) => {
    const [h, f, Lv, p, t, Ph, Pw] = [dim('h_v'), dim('f_v'), dim('L_v'), dim('p'), dim('t'), dim('P_h'), dim('P_w')];
    return [
      { name: 'patch_embedding', expr: mul(3, t, p, p, h) },
      { name: 'position_embedding_table', expr: mul(Ph, Pw, h) },
      { name: 'ln_pre, ln_post (LayerNorm)', expr: mul(4, h) },
      ...vitBlocks(Lv, h, f, ['q, k, v, proj', 'fc1, fc2', 'norm1, norm2']),
    ];
  },
  // Muse Glimmer: vision_adapter fc1 (m → a), fc2 (a → a), vision_projection (a → d), no biases.
  muse_adapter: (dim) => {
    const [m, a, d] = [dim('m'), dim('a'), dim('d')];
    return [
      { name: 'vision_adapter.fc1', expr: mul(m, a) },
      { name: 'vision_adapter.fc2', expr: mul(a, a) },
      { name: 'vision_projection', expr: mul(a, d) },
    ];
  },
  // MiniMax-M3's CLIP tower: patches without bias, pre_layrnorm, L_v blocks of biased q/k/v/out
  // and fc1/fc2 with two LayerNorms; rotary positions have no table.
  clip_vit_rope: (dim) => {
    const [h, f, Lv, p, t, c] = [dim('h_v'), dim('f_v'), dim('L_v'), dim('p'), dim('t'), dim('c')];
    return [
      { name: 'patch_embedding', expr: mul(c, t, p, p, h) },
      { name: 'pre_layrnorm (LayerNorm)', expr: mul(2, h) },
      ...vitBlocks(Lv, h, f, ['q, k, v, out_proj', 'fc1, fc2', 'layer_norm1, layer_norm2']),
    ];
  },
  // multi_modal_projector (h → P → P) and patch_merge_mlp (m·P → P → P), all biased.
  minimax_projector: (dim) => {
    const [h, P, m] = [dim('h_v'), dim('P'), dim('m')];
    return [
      { name: 'multi_modal_projector.linear_1, linear_2', expr: add(mul(h, P), P, mul(P, P), P) },
      { name: 'patch_merge_mlp.linear_1, linear_2', expr: add(mul(m, P, P), P, mul(P, P), P) },
    ];
  },
  // Gemma 4 ViT: input_proj over 3·p², a [2, P, h] position table, L_v blocks of q/k/v/o
  // (H_v·d_v each), q_norm and k_norm, a GeGLU MLP and four norms; std_bias and std_scale (s·h).
  gemma4_vit: (dim) => {
    const [h, Hv, dv, f, Lv, p, P, st] = [dim('h_v'), dim('H_v'), dim('d_v'), dim('f_v'), dim('L_v'), dim('p'), dim('P'), dim('s')];
    const parts = [
      { name: 'patch_embedder.input_proj', expr: mul(3, p, p, h) },
      { name: 'position_embedding_table', expr: mul(2, P, h) },
      { name: 'blocks: q, k, v, o', expr: mul(Lv, 4, h, Hv, dv) },
      { name: 'blocks: q_norm, k_norm', expr: mul(Lv, 2, dv) },
      { name: 'blocks: gate, up, down', expr: mul(Lv, 3, h, f) },
      { name: 'blocks: four norms', expr: mul(Lv, 4, h) },
    ];
    if (st.value > 0) parts.push({ name: 'std_bias, std_scale', expr: mul(st, h) });
    return parts;
  },
  // Gemma 4 E2B/E4B conformer: subsampling convs and input projection, L_a layers, output_proj.
  gemma4_audio: (dim) => {
    const [h, La, da, K, c0, c1, F, o] = [dim('h_a'), dim('L_a'), dim('d_a'), dim('K'), dim('c_0'), dim('c_1'), dim('F_a'), dim('o')];
    return [
      // conv [c0, 1, 3, 3] and [c1, c0, 3, 3], LayerNorm weights [c0], [c1]; input_proj_linear [h, F_a]
      { name: 'subsample_conv_projection', expr: add(mul(9, c0), c0, mul(9, c0, c1), c1, mul(F, h)) },
      // two feed-forwards (8h² + 2h each), attention (q, k, v, post, relative_k_proj: 5h²),
      // light conv (linear_start 2h², linear_end h²)
      { name: 'layers: linear maps', expr: mul(La, 24, h, h) },
      { name: 'layers: depthwise conv', expr: mul(La, h, K) },
      // 4 feed-forward norms, 2 light-conv norms, 3 layer norms; per_dim_scale [h/heads]
      { name: 'layers: norms, per_dim_scale', expr: mul(La, add(mul(9, h), da)) },
      { name: 'output_proj (weight, bias)', expr: add(mul(o, h), o) },
    ];
  },
  // Inkling's audio: a table of n_mel_bins · mel_vocab_size rows of width d, and its norm.
  dmel_embedding: (dim) => {
    const [b, q, d, s] = [dim('b'), dim('q'), dim('d'), dim('s')];
    return [{ name: 'embeddings', expr: mul(b, q, d) }, ...(s.value > 0 ? [{ name: 'norm', expr: mul(d) }] : [])];
  },
  // Inkling's hMLP: n projections i_k → o_k, an RMSNorm after each but the last, a final norm.
  hmlp: (dim) => {
    const n = dim('n').value;
    const parts = Array.from({ length: n }, (_, k) => ({ name: `projection ${k + 1}${k < n - 1 ? ' and its RMSNorm' : ''}`, expr: k < n - 1 ? add(mul(dim(`i_${k}`), dim(`o_${k}`)), dim(`o_${k}`)) : mul(dim(`i_${k}`), dim(`o_${k}`)) }));
    return [...parts, { name: 'final_norm', expr: mul(dim('d')) }];
  },
  // DeepSeek-V4.1's ViT: patch embedding, L_v blocks (two norms, biased wqkv and wo, gated MLP), a norm.
  dsv41_vit: (dim) => {
    const [h, f, Lv, p] = [dim('h_v'), dim('f_v'), dim('L_v'), dim('p')];
    return [
      { name: 'patch_embed.proj (weight, bias)', expr: add(mul(3, p, p, h), h) },
      { name: 'blocks: wqkv, wo (weights, biases)', expr: mul(Lv, add(mul(4, h, h), mul(4, h))) },
      { name: 'blocks: w1, w2', expr: mul(Lv, 3, f, h) },
      { name: 'blocks: norm1, norm2; final norm', expr: add(mul(Lv, 2, h), h) },
    ];
  },
  // Its aligner: s² patches to the text width and a second linear map, both biased; the image
  // start, end and newline embeddings.
  dsv41_aligner: (dim) => {
    const [h, s, d] = [dim('h_v'), dim('s'), dim('d')];
    return [
      { name: 'w1, w2 (weights, biases)', expr: add(mul(s, s, h, d), mul(d, d), mul(2, d)) },
      { name: 'image_start, image_end, image_newline', expr: mul(3, d) },
    ];
  },
  // GLM-5.3-Flash ViT (glm5_next_vision): Conv3d patches with bias, no position table, L_v blocks
  // of a biased qkv and proj, per-head q_norm and k_norm [h_v / heads], a biased SwiGLU MLP
  // (gate_proj, up_proj, down_proj) and two RMSNorms; post_layernorm (RMSNorm).
  glm_vit: (dim) => {
    const [h, f, Lv, p, t, c, dh] = [dim('h_v'), dim('f_v'), dim('L_v'), dim('p'), dim('t'), dim('c'), dim('d_hv')];
    return [
      { name: 'patch_embed.proj (weight, bias)', expr: add(mul(c, t, p, p, h), h) },
      { name: 'blocks: attn.qkv, attn.proj (with biases)', expr: mul(Lv, add(mul(4, h, h), mul(4, h))) },
      { name: 'blocks: attn.q_norm, attn.k_norm', expr: mul(Lv, 2, dh) },
      { name: 'blocks: mlp.gate_proj, up_proj, down_proj (with biases)', expr: mul(Lv, add(mul(3, h, f), mul(2, f), h)) },
      { name: 'blocks: norm1, norm2 (RMSNorm)', expr: mul(Lv, 2, h) },
      { name: 'post_layernorm (RMSNorm)', expr: mul(h) },
    ];
  },
  // Its merger: downsample (Conv2d over s × s patches, h_v → d, bias), proj [d, d], a LayerNorm,
  // and a SwiGLU of width f_m (gate_proj, up_proj, down_proj), no biases.
  glm_merger: (dim) => {
    const [h, s, d, f] = [dim('h_v'), dim('s'), dim('d'), dim('f_m')];
    return [
      { name: 'downsample (weight, bias)', expr: add(mul(s, s, h, d), d) },
      { name: 'merger.proj', expr: mul(d, d) },
      { name: 'merger.post_projection_norm (LayerNorm)', expr: mul(2, d) },
      { name: 'merger.gate_proj, up_proj, down_proj', expr: mul(3, d, f) },
    ];
  },
  // One linear map into the text width (Gemma 4 12B's audio embedder).
  projection: (dim) => [{ name: 'embedding_projection', expr: mul(dim('o'), dim('d')) }],
};

/** The tower as a draft, aggregated like any block. */
export function towerDraft(tower: TowerSpec): Draft {
  const dim = (name: string): Dim => {
    const found = tower.dims[name];
    if (!found) throw new Error(`internal: tower ${tower.id} has no dim "${name}"`);
    return found;
  };
  const first = Object.values(tower.dims)[0]!;
  return { id: tower.id, name: tower.name, family: 'tower', shape_in: [first.value], shape_out: [first.value], parts: FORMULAS[tower.kind](dim) };
}
