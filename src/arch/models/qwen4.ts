/**
 * Qwen4-exp (`qwen4_exp_text`, the decoder of Qwen3.8-Flash-Next; modular_qwen4_exp.py): Qwen3.5's
 * Gated DeltaNet hybrid with its MoE and gated attention, plus
 * - gated-residual hyper-connections over `hc_count` streams (`attn_hyper_connection`,
 *   `mlp_hyper_connection`, low rank `hc_lowrank`; the head folds them with its
 *   `hyper_connection_mixer`); the layers have no norms of their own and there is no final norm;
 * - a QSA indexer on the full-attention layers (`indexer_n_heads` heads of `indexer_head_dim`, one
 *   key head);
 * - an n-gram memory on the `ple_layer_ids` layers (1-based): a hashed bigram/trigram table whose
 *   size comes from the primes after `ngram_vocab_size_base`, gated into the streams; its hash
 *   constants are stored as int64 buffers;
 * - an MTP module whose block keeps the hyper-connections and the indexer.
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { derivedDim } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';
import { describeDecoder, type DecoderProfile } from './decoder.js';

/** Whether n is prime (trial division; n stays below LIMITS-bounded sizes). */
function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let k = 3; k * k <= n; k += 2) if (n % k === 0) return false;
  return true;
}

/** The sum of the first `count` primes from `from` on. */
function sumOfPrimesFrom(from: number, count: number): number {
  let sum = 0;
  for (let p = from, found = 0; found < count; p++) {
    if (isPrime(p)) {
      sum += p;
      found++;
    }
  }
  return sum;
}

/** The largest n-gram base this tool factors (its primes are found by trial division). */
const MAX_NGRAM_BASE = 1e9;

export function describeQwen4(r: ConfigReader, profile: DecoderProfile): ArchDescription {
  const extraDims: Record<string, Dim> = {};
  let pleLayers: number[] = [];
  let buffers = 0;
  const arch = describeDecoder(r, {
    ...profile,
    extra: (rr, notes, flags) => {
      profile.extra?.(rr, notes, flags);
      extraDims['hc'] = rr.dim('n_{hc}', 'hc_count', { max: 64 });
      extraDims['r_hc'] = rr.dim('r_{hc}', 'hc_lowrank');
      // QSA: queries and one key head from one projection, over compressed blocks of positions.
      extraDims['H_i'] = rr.dim('H_{i}', 'indexer_n_heads', { max: LIMITS.heads });
      extraDims['d_i'] = rr.dim('d_{i}', 'indexer_head_dim');
      const kv = rr.int('indexer_kv_heads');
      if (kv !== 1) throw rr.error('unsupported-feature', 'indexer_kv_heads', `is ${kv}; only one indexer key head is known`);
      rr.mark('indexer_budget', 'indexer_compress_ratio', 'split_ngram_parts');
      // The n-gram memory.
      const ple = rr.intArray('ple_layer_ids', { min: 1, max: LIMITS.layers }) ?? [];
      if (ple.length > 1) throw rr.error('unsupported-feature', 'ple_layer_ids', `lists ${ple.length} layers; n-gram memories on more than one layer (each with its own primes) are not counted yet`);
      pleLayers = ple.map((id) => id - 1);
      if (ple.length > 0) {
        const n = rr.int('ngram_size', { min: 2, max: 8 });
        const perN = rr.int('heads_per_ngram', { max: 64 });
        const heads = (n - 1) * perN;
        const base = rr.int('ngram_vocab_size_base', { max: MAX_NGRAM_BASE });
        const divisor = rr.int('make_ngram_vocab_size_divisible_by', { max: 1 << 20 });
        const E = rr.dim('E_{g}', 'ple_embed_dim', { max: LIMITS.width });
        if (E.value % heads !== 0) throw rr.error('config-inconsistent', 'ple_embed_dim', `(${E.value}) is not a multiple of the ${heads} hash heads ((ngram_size − 1) · heads_per_ngram)`);
        // One table of the heads' vocabularies: the first `heads` primes after the base, the sum
        // rounded up to the divisor (Qwen4ExpPLELayer; the first PLE layer takes the first primes).
        const rows = Math.ceil(sumOfPrimesFrom(base, heads) / divisor) * divisor;
        extraDims['P_g'] = derivedDim('P_{g}', rows, `${rr.path('ngram_vocab_size_base')} (the sum of the first ${heads} primes after it, rounded up to ${rr.path('make_ngram_vocab_size_divisible_by')})`);
        extraDims['e_g'] = derivedDim('e_{g}', E.value / heads, `${rr.path('ple_embed_dim')} / ${heads} hash heads`);
        extraDims['E_g'] = E;
        extraDims['K_g'] = rr.dim('K_{g}', 'ple_conv_kernel_size');
        // layer_multipliers [ngram_size], ngram_heads_vocab_sizes and _offsets [heads]: int64.
        buffers = n + 2 * heads;
        notes.push(`N-gram memory on layer ${ple[0]} (ple_layer_ids, 1-based): a table of ${rows.toLocaleString('en-US')} rows × ${E.value / heads} looked up by ${heads} bigram and trigram hashes, gated into the streams; its ${buffers} int64 hash constants are stored too (in checkpoint_params, not params).`);
      } else rr.mark('ngram_size', 'heads_per_ngram', 'ngram_vocab_size_base', 'make_ngram_vocab_size_divisible_by', 'ple_embed_dim', 'ple_conv_kernel_size');
      // The nested MTP settings must agree with mtp_num_hidden_layers: one full-attention block.
      const mtp = rr.child('mtp');
      if (mtp) {
        const n = mtp.intOr('num_hidden_layers', 0, { max: LIMITS.mtp });
        if (n !== rr.intOr('mtp_num_hidden_layers', 0)) throw mtp.error('config-inconsistent', 'num_hidden_layers', `(${n}) differs from mtp_num_hidden_layers`);
        mtp.strArray('layer_types', { allowed: ['full_attention'] });
        if (mtp.has('mtp_use_hidden_state_from_layer')) throw mtp.error('unsupported-feature', 'mtp_use_hidden_state_from_layer', 'is set; an MTP module that reads an inner layer is not known');
        mtp.get('mtp_use_hidden_state_from_layer');
        mtp.mark('hybrid', 'rope_theta');
        // unknownFields() gives full paths; error() adds the reader's prefix again.
        for (const f of mtp.unknownFields()) throw mtp.error('config-unknown-fields', f.slice(mtp.prefix.length + 1), 'is not understood in the MTP settings; it may change the MTP block');
      }
      flags.hyper_connections = true;
      flags.hc_variant = 'gated_residual';
      flags.norm_placement = 'none';
      flags.indexer = true;
      flags.qsa_indexer = true;
      notes.push(`Gated-residual hyper-connections: the residual stream is ${extraDims['hc'].value} streams wide; before each sub-layer a low-rank mixer reads its input from them, after it per-stream gates write its output back; no layer norms and no final norm (the mixers normalise the streams).`);
    },
  });
  Object.assign(arch.dims, extraDims);
  arch.final_norm = false;
  for (const l of [...arch.layers, ...arch.mtp_layers]) if (l.attention.kind === 'softmax') l.attention.indexer = true;
  for (const i of pleLayers) {
    const layer = arch.layers[i];
    if (!layer) throw r.error('config-inconsistent', 'ple_layer_ids', `names layer ${i + 1}, but there are ${arch.layers.length}`);
    layer.ngram_memory = true;
  }
  if (buffers > 0) arch.checkpoint.layer_buffers = [{ id: 'ngram_hash_constants', name: 'n-gram hash constants (int64 buffers)', count: buffers, layers: pleLayers }];
  return arch;
}
