/**
 * Hyper-connections: the residual stream is `n_hc` streams wide (`hc_mult`, `hc_count`), and around
 * every sub-layer a mixer reads the sub-layer's input from the streams and writes its output back.
 * Three kinds (`flags.hc_variant`):
 * - DeepSeek-V4's mHC (absent): per token H_pre, H_post (n_hc each) and the stream-mixing H_res
 *   (n_hc², Sinkhorn), from `fn` [(2 + n_hc)·n_hc, n_hc·d], `base`, `scale` [3];
 * - Hy4's iHC (`independent`): H_pre and H_post only, `fn` [2·n_hc, n_hc·d], `base`, `scale` [2];
 *   none in the MTP module;
 * - Qwen4-exp's gated residual (`gated_residual`, GatedResidual): `hc_norm` [n_hc·d], a low-rank
 *   read mixer `input_mix_weight_down` [r, n_hc·d] and `_up` [n_hc·d, r] (per-channel weights of each
 *   stream), and the write gates `block_inject_weight` [n_hc, n_hc·d];
 * - Motif's mHC (`split`): the same H_pre, H_post, H_res from projections of their own, with
 *   biases, a norm and scalar scales; none in the MTP module, and no head mixer.
 * The head folds the streams into one before the output layer: mHC's and iHC's `hc_head` (`fn`
 * [n_hc, n_hc·d], `base` [n_hc], `scale` [1]), the gated residual's `hyper_connection_mixer` (its
 * read half).
 */
import type { ArchDescription, Dim } from '../arch/types.js';
import { dimsOf, type Draft } from './blocks.js';
import { add, mul, num, type Expr } from './expr.js';

type Part = { name: string; expr: Expr };

/** The name readers know the kind by: `mHC`, `iHC`, `Gated HC`. */
export function hcKind(flags: Pick<ArchDescription['flags'], 'hc_variant'>): string {
  return flags.hc_variant === 'independent' ? 'iHC' : flags.hc_variant === 'gated_residual' ? 'Gated HC' : 'mHC';
}

/** Motif's mHC (MotifMHC): `proj_pre`, `proj_post` [n_hc, n_hc·d], `proj_res` [n_hc², n_hc·d], an
 * RMSNorm [n_hc·d], `bias_pre`, `bias_post` [n_hc], `bias_res` [n_hc, n_hc], three scalar alphas. */
function splitParts(d: Dim, hc: Dim): Part[] {
  return [
    { name: 'proj_pre, proj_post', expr: mul(2, hc, hc, d) },
    { name: 'proj_res', expr: mul(hc, hc, hc, d) },
    { name: 'rms_norm', expr: mul(hc, d) },
    { name: 'bias_pre, bias_post, bias_res', expr: add(mul(2, hc), mul(hc, hc)) },
    { name: 'alpha_pre, alpha_post, alpha_res', expr: num(3) },
  ];
}

/** The mixer's outputs per token: (2 + n_hc)·n_hc for mHC, 2·n_hc for iHC. */
function mix(arch: ArchDescription, hc: Dim): Expr {
  return arch.flags.hc_variant === 'independent' ? mul(2, hc) : mul(add(2, hc), hc);
}

/** The gated residual's read mixer (hc_norm, input_mix_weight_down and _up), `prefix`ed. */
function gatedRead(d: Dim, hc: Dim, r: Dim, prefix: string): Part[] {
  return [
    { name: `${prefix}hc_norm`, expr: mul(hc, d) },
    { name: `${prefix}input_mix_weight_down, _up`, expr: mul(2, r, hc, d) },
  ];
}

/** The mixer around one sub-layer (`attn` or `ffn`). */
export function hyperConnection(arch: ArchDescription, which: 'attn' | 'ffn'): Draft {
  const dim = dimsOf(arch);
  const [d, hc] = [dim('d'), dim('hc')];
  const parts: Part[] =
    arch.flags.hc_variant === 'gated_residual'
      ? [...gatedRead(d, hc, dim('r_hc'), ''), { name: 'block_inject_weight', expr: mul(hc, hc, d) }]
      : arch.flags.hc_variant === 'split'
        ? splitParts(d, hc)
        : [
          { name: `hc_${which}_fn`, expr: mul(mix(arch, hc), hc, d) },
          { name: `hc_${which}_base`, expr: mix(arch, hc) },
          { name: `hc_${which}_scale`, expr: num(arch.flags.hc_variant === 'independent' ? 2 : 3) },
        ];
  return {
    id: `hc_${which}`,
    name: `${hcKind(arch.flags)} mixer (${which === 'attn' ? 'attention' : 'FFN'})`,
    family: 'hyper_connection',
    shape_in: [hc.value * d.value],
    shape_out: [d.value],
    parts,
  };
}

/** The head side: the streams folded into one before the output layer (and in each MTP block). */
export function headHyperConnection(arch: ArchDescription): Part[] {
  const dim = dimsOf(arch);
  const [d, hc] = [dim('d'), dim('hc')];
  if (arch.flags.hc_variant === 'gated_residual') return gatedRead(d, hc, dim('r_hc'), 'hyper_connection_mixer.');
  return [
    { name: 'hc_head_fn', expr: mul(hc, hc, d) },
    { name: 'hc_head_base', expr: mul(hc) },
    { name: 'hc_head_scale', expr: num(1) },
  ];
}

/** Whether MTP blocks keep the mixers (Hy4's MTP module has none: "MTP checkpoints do not carry
 * iHC pre/post weights", vLLM HYV4MTP). */
export function mtpHasHyperConnections(arch: Pick<ArchDescription, 'flags' | 'mtp_hyper_connections'>): boolean {
  // Motif's MTP module (MotifMTP) has none either.
  if (arch.mtp_hyper_connections === false) return false;
  return arch.flags.hyper_connections && arch.flags.hc_variant !== 'independent' && arch.flags.hc_variant !== 'split';
}
