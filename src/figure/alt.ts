/** The alternative text of a figure: what it shows, in one or two sentences. */
import { compact, groupDigits } from './format.js';
import type { ArchJson } from '../schema/arch-json.js';

const ATTENTION: Record<string, string> = {
  mha: 'multi-head attention',
  gqa: 'grouped-query attention',
  mla: 'Multi-head Latent Attention',
  dsv4: 'compressed sparse attention (one shared KV latent)',
};

export function altText(arch: ArchJson): string {
  const d = (n: string) => arch.dims[n]?.value;
  const L = arch.layers.length;
  const parts: string[] = [];
  const hybrid = arch.flags.linear_attention_hybrid;
  let attention = hybrid ? 'Gated DeltaNet linear attention mixed with gated attention' : ATTENTION[arch.family]!;
  if (arch.family === 'gqa' && d('H_kv') === 1) attention = 'multi-query attention';
  const fromTensors = arch.model.structure === 'tensor-names';
  if (fromTensors && d('H') === undefined && arch.family !== 'mla') attention = 'attention';
  parts.push(`${L} transformer blocks with ${attention}${d('H') !== undefined ? ` (${d('H')} heads)` : ''}`);
  if (arch.flags.moe) {
    const dense = arch.layers.filter((l) => l.ffn.kind === 'dense').length;
    parts.push(`a mixture of experts with ${d('E')} routed experts, ${d('k')} active per token${arch.flags.shared_experts ? ', plus a shared expert' : ''}${dense ? ` (${dense} layers use a dense feed-forward instead)` : ''}`);
  } else if (fromTensors || d('d_ff') === undefined) {
    parts.push(`a ${{ swiglu: 'SwiGLU', geglu: 'GeGLU', mlp: 'MLP' }[arch.flags.ffn_kind]} feed-forward`);
  } else {
    parts.push(`a ${{ swiglu: 'SwiGLU', geglu: 'GeGLU', mlp: 'MLP' }[arch.flags.ffn_kind]} feed-forward of width ${groupDigits(d('d_ff') ?? 0)}`);
  }
  if (arch.flags.sliding_window) parts.push('sliding-window attention in some layers');
  const t = arch.totals;
  let total = `${groupDigits(t.params_main)} parameters (${compact(t.params_main)})`;
  if (t.active_params !== t.params_main) total += `, ${compact(t.active_params)} active per token`;
  if (arch.mtp_layers.length) total += `, plus ${compact(t.params - t.params_main)} in ${arch.mtp_layers.length} multi-token-prediction module${arch.mtp_layers.length > 1 ? 's' : ''}`;
  const read = fromTensors ? " Structure read from the checkpoint's tensor names." : '';
  return `Architecture of ${arch.model.name}: a decoder-only transformer of ${parts.join(', ')}; embedding width ${groupDigits(d('d') ?? 0)}, vocabulary ${groupDigits(d('V') ?? 0)}; ${total}.${read}`;
}
