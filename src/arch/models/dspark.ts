/**
 * DSpark, DeepSeek's draft in place of MTP (DeepSeek-V4.1, and the 0731 revision of
 * DeepSeek-V4-Flash): `num_nextn_predict_layers` blocks with a MoE of `dspark_n_routed_experts`
 * (`dspark_num_experts_per_tok` per token), no compressor or indexer (their `compress_ratios`
 * entries are 0), an input projection of the `dspark_target_layer_ids` hidden states and heads of
 * `dspark_markov_rank`, stored once (params/deepseek-v4-blocks.ts, dsparkHeads).
 */
import type { ConfigReader } from '../config-reader.js';
import { derivedDim } from '../common.js';
import type { Dim } from '../types.js';

/** Distinct layer ids below `n` from `field`, in order; `model` names the model for messages. */
export function layerIds(r: ConfigReader, field: string, n: number, model: string): number[] {
  const ids = r.intArray(field, { min: 0, max: n - 1, maxLength: n });
  if (!ids) throw r.error('config-invalid-field', field, `is required for ${model} (a list of layer indices)`);
  if (new Set(ids).size !== ids.length) throw r.error('config-invalid-field', field, 'lists a layer twice');
  return ids;
}

/**
 * The DSpark dims (E_m, k_m, T, r_m) into `dims`, after checking that no draft block has a
 * compressed cache; its runtime fields are marked. Returns the note that describes the draft.
 */
export function readDspark(r: ConfigReader, dims: Record<string, Dim>, ratios: number[], nMtp: number, model: string): string {
  const L = dims['L']!.value;
  // Block size and noise token steer drafting: no tensors.
  r.mark('dspark_block_size', 'dspark_noise_token_id');
  for (let k = 0; k < nMtp; k++) {
    if (ratios[L + k] !== 0) throw r.error('unsupported-feature', `compress_ratios[${L + k}]`, 'is not 0; DSpark blocks with a compressed cache are not known');
  }
  dims['E_m'] = r.dim('E_{m}', 'dspark_n_routed_experts');
  dims['k_m'] = r.dim('k_{m}', 'dspark_num_experts_per_tok');
  if (dims['k_m'].value > dims['E_m'].value) throw r.error('config-inconsistent', 'dspark_num_experts_per_tok', `(${dims['k_m'].value}) exceeds dspark_n_routed_experts (${dims['E_m'].value})`);
  dims['T'] = derivedDim('T', layerIds(r, 'dspark_target_layer_ids', L, model).length, `the number of ${r.path('dspark_target_layer_ids')}`);
  dims['r_m'] = r.dim('r_{m}', 'dspark_markov_rank');
  return `DSpark draft: ${nMtp} blocks with a MoE of ${dims['E_m'].value} experts (${dims['k_m'].value} per token) and heads stored once.`;
}
