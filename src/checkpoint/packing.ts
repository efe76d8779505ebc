/**
 * How many parameter values a stored tensor holds when a quantized checkpoint packs several into
 * one stored element, as its config's `quantization_config` says:
 * - GPTQ and AWQ (`quant_method` `gptq` / `awq`, `bits` or `w_bit`): `qweight` is int32 holding
 *   32 / bits values each; `qzeros`, `scales` and `g_idx` are not parameters.
 * - compressed-tensors (`pack-quantized`, `config_groups.*.weights.num_bits`): `weight_packed`
 *   is int32 holding 32 / num_bits values; `nvfp4-pack-quantized`: `weight_packed` is U8 holding
 *   two FP4 values; `weight_scale`, `weight_zero_point`, `weight_global_scale`, `weight_shape`
 *   are not parameters.
 * - ModelOpt NVFP4 (`quant_method` `modelopt`, `quant_algo` `NVFP4`): `weight` is U8 holding two
 *   FP4 values, with `weight_scale` (FP8), `weight_scale_2` and `input_scale` beside it.
 * - MXFP4 (gpt-oss, `quant_method` `mxfp4`): `*_blocks` are U8 holding two FP4 values, `*_scales`
 *   one exponent per 32 values. The `_blocks` name says so even without the config.
 * - FP8 (`quant_method` `fp8`): one value per element (`weight_scale_inv`, `.scale` set aside);
 *   an int8 `weight` there is FP4 pairs (DeepSeek-V4's experts, int8 [I, D/2] with a `.scale`).
 */
import type { StoredTensor } from './header.js';

export interface Packing {
  /** What the config says, for reports: `gptq 4-bit`, `modelopt NVFP4`, or `none`. */
  label: string;
  /** Values per int32 element of a `qweight` / `weight_packed` tensor. */
  perInt32: number;
  /** U8 `weight` / `weight_packed` tensors are FP4 pairs. */
  fp4Bytes: boolean;
  /** I8 `weight` tensors are FP4 pairs (DeepSeek-V4's experts in an `fp8` checkpoint). */
  i8Fp4: boolean;
}

export const NO_PACKING: Packing = { label: 'none', perInt32: 1, fp4Bytes: false, i8Fp4: false };

const record = (x: unknown): Record<string, unknown> | null => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null);
const bitsValue = (x: unknown): number | null => (typeof x === 'number' && [2, 3, 4, 8].includes(x) ? x : null);

/** The packing a config's `quantization_config` (top level, or the text config's) declares. */
export function packingOf(config: unknown): Packing {
  const top = record(config);
  const q = record(top?.['quantization_config']) ?? record(record(top?.['text_config'])?.['quantization_config']);
  if (!q) return NO_PACKING;
  const method = typeof q['quant_method'] === 'string' ? q['quant_method'].toLowerCase() : '';
  if (method === 'gptq' || method === 'awq') {
    const bits = bitsValue(q['bits']) ?? bitsValue(q['w_bit']) ?? 4;
    // 3-bit GPTQ packs across int32 boundaries (32 values in three words): still 32/3 per word on average.
    return { ...NO_PACKING, label: `${method} ${bits}-bit`, perInt32: 32 / bits };
  }
  if (method === 'compressed-tensors') {
    const format = typeof q['format'] === 'string' ? q['format'] : '';
    if (/nvfp4/.test(format)) return { ...NO_PACKING, label: 'compressed-tensors NVFP4', perInt32: 8, fp4Bytes: true };
    // Kimi K3: `weight_packed` U8, two FP4 values a byte, beside a U8 exponent per 32 (`weight_scale`).
    if (/mxfp4/.test(format)) return { ...NO_PACKING, label: 'compressed-tensors MXFP4', fp4Bytes: true };
    const groups = record(q['config_groups']) ?? {};
    const bits = Object.values(groups).map((g) => bitsValue(record(record(g)?.['weights'])?.['num_bits'])).find((b) => b !== null) ?? 4;
    return { ...NO_PACKING, label: `compressed-tensors ${bits}-bit`, perInt32: 32 / bits };
  }
  if (method === 'modelopt' && /fp4/i.test(String(q['quant_algo'] ?? ''))) return { ...NO_PACKING, label: 'modelopt NVFP4', fp4Bytes: true };
  if (method === 'mxfp4') return { ...NO_PACKING, label: 'mxfp4' };
  // An FP8 checkpoint stores one value per element, and an int8 `weight` beside its scale can
  // only be FP4 pairs (DeepSeek-V4's routed experts: int8 [I, D/2] + `.scale`).
  if (method === 'fp8') return { ...NO_PACKING, i8Fp4: true };
  return NO_PACKING;
}

/** The parameter values a stored tensor holds. */
export function valuesOf(t: StoredTensor, packing: Packing): number {
  if (/_blocks$/.test(t.name) && t.dtype === 'U8') return t.elements * 2;
  if (/\.(qweight|weight_packed)$/.test(t.name) && (t.dtype === 'I32' || t.dtype === 'U32')) {
    const values = t.elements * packing.perInt32;
    return Number.isInteger(values) ? values : Math.round(values);
  }
  if (packing.fp4Bytes && /\.(weight|weight_packed)$/.test(t.name) && t.dtype === 'U8') return t.elements * 2;
  if (packing.i8Fp4 && /\.weight$/.test(t.name) && t.dtype === 'I8') return t.elements * 2;
  return t.elements;
}
