/** The alternative text of a figure: what it shows, in one or two sentences. */
import { compact, groupDigits } from './format.js';
import type { ArchJson } from '../schema/arch-json.js';

const ATTENTION: Record<string, string> = {
  mha: 'multi-head attention',
  gqa: 'grouped-query attention',
  mla: 'Multi-head Latent Attention',
  dsv4: 'compressed sparse attention (one shared KV latent)',
};

/** The linear mixers of hybrids, as the text names them. */
const LINEAR: Record<string, string> = {
  short_conv: 'gated short convolutions',
  mamba: 'Mamba mixers',
  mamba2: 'Mamba-2 mixers',
  lightning: 'lightning (linear) attention',
  kda: 'Kimi Delta Attention',
  mlstm: 'mLSTM layers',
};

/** What the layers mix: Qwen3-Next's Gated DeltaNet with gated attention, or another linear
 * mixer in some layers and softmax attention in the others; null for attention alone. */
function hybridText(arch: ArchJson, softmax: string): string | null {
  if (!arch.flags.linear_attention_hybrid) return null;
  const kinds = arch.layers.map((l) => l.attention.kind);
  const kind = Object.keys(LINEAR).find((k) => kinds.includes(k as ArchJson['layers'][number]['attention']['kind']));
  if (kind === undefined) return 'Gated DeltaNet linear attention mixed with gated attention';
  const linear = kinds.filter((k) => k === kind).length;
  // MLA counts as attention too (Kimi K3, Ling 2.5).
  const attention = kinds.filter((k) => k === 'softmax' || k === 'mla' || k === 'dsv4').length;
  return attention ? `${LINEAR[kind]} in ${linear} layers and ${softmax} in ${attention}` : `${LINEAR[kind]}`;
}

/** ", plus a shared expert" or ", plus 2 shared experts", or nothing. */
function sharedText(arch: ArchJson): string {
  if (!arch.flags.shared_experts) return '';
  const n = arch.dims['n_s']?.value ?? 1;
  return n > 1 ? `, plus ${n} shared experts` : ', plus a shared expert';
}

/** "a" or "an" before a name as it is read aloud (an MLP, an RMSNorm, a SwiGLU). */
const article = (word: string): string => (/^(MLP|[AEIOU])/.test(word) ? 'an' : 'a');

/** Nemotron-H: the blocks of each mixer ("42 blocks of one mixer each: Mamba-2 in 21, …"), or
 * null when the layers have attention and an FFN each. */
function singleMixerText(arch: ArchJson): string | null {
  const L = arch.layers;
  if (!L.some((l) => l.attention.kind === 'none' || l.ffn.kind === 'none')) return null;
  const d = (n: string) => arch.dims[n]?.value;
  const count = (which: (l: ArchJson['layers'][number]) => boolean) => L.filter(which).length;
  const items: [number, string][] = [
    [count((l) => l.attention.kind === 'mamba2'), 'Mamba-2'],
    [count((l) => l.attention.kind === 'softmax'), `${ATTENTION[arch.family]} (${d('H')} heads)`],
    [count((l) => l.ffn.kind === 'dense'), `an MLP feed-forward of width ${groupDigits(d('d_ff') ?? 0)}`],
    [count((l) => l.ffn.kind === 'moe'), `a mixture of experts (${d('E')} routed, ${d('k')} active per token${sharedText(arch)})`],
  ];
  return `${L.length} blocks of one mixer each: ${items.filter(([n]) => n > 0).map(([n, what]) => `${what} in ${n}`).join(', ')}`;
}

/** The FFN side: the mixture of experts, or the dense feed-forward with its width. */
function ffnText(arch: ArchJson): string {
  const d = (n: string) => arch.dims[n]?.value;
  if (arch.flags.moe) {
    const dense = arch.layers.filter((l) => l.ffn.kind === 'dense').length;
    return `a mixture of experts with ${d('E')} routed experts, ${d('k')} active per token${sharedText(arch)}${dense ? ` (${dense === 1 ? 'one layer uses' : `${dense} layers use`} a dense feed-forward instead)` : ''}`;
  }
  const kind = { swiglu: 'SwiGLU', geglu: 'GeGLU', mlp: 'MLP' }[arch.flags.ffn_kind];
  const width = arch.model.structure === 'tensor-names' || d('d_ff') === undefined ? '' : ` of width ${groupDigits(d('d_ff') ?? 0)}`;
  return `${article(kind)} ${kind} feed-forward${width}`;
}

export function altText(arch: ArchJson): string {
  const d = (n: string) => arch.dims[n]?.value;
  const L = arch.layers.length;
  const parts: string[] = [];
  let attention = hybridText(arch, ATTENTION[arch.family]!) ?? ATTENTION[arch.family]!;
  if (arch.family === 'gqa' && d('H_kv') === 1) attention = 'multi-query attention';
  const fromTensors = arch.model.structure === 'tensor-names';
  if (fromTensors && d('H') === undefined && arch.family !== 'mla') attention = 'attention';
  const single = singleMixerText(arch);
  if (single) parts.push(single);
  else parts.push(`${L} transformer blocks with ${attention}${d('H') !== undefined ? ` (${d('H')} heads)` : ''}`, ffnText(arch));
  if (arch.flags.sliding_window) parts.push('sliding-window attention in some layers');
  const t = arch.totals;
  let total = `${groupDigits(t.params_main)} parameters (${compact(t.params_main)})`;
  if (t.active_params !== t.params_main) total += `, ${compact(t.active_params)} active per token`;
  if (arch.mtp_layers.length) total += `, plus ${compact(t.params - t.params_main)} in ${arch.mtp_layers.length} multi-token-prediction module${arch.mtp_layers.length > 1 ? 's' : ''}`;
  const read = fromTensors ? " Structure read from the checkpoint's tensor names." : '';
  return `Architecture of ${arch.model.name}: a decoder-only transformer of ${parts.join(', ')}; embedding width ${groupDigits(d('d') ?? 0)}, vocabulary ${groupDigits(d('V') ?? 0)}; ${total}.${read}`;
}
