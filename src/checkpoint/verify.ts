/**
 * Our count against the checkpoint's own tensors, unit by unit. Each stored tensor is sorted by
 * its module path into one of our units (`model.layers.7.self_attn.q_proj.weight` → layer 7's
 * attention), or set aside for a stated reason: quantization scales (FP8 `weight_scale_inv`,
 * MXFP4 `_scales`), buffers (`rotary_emb.inv_freq`), a tied head stored twice, an MTP module's
 * copies of the embedding and head. Packed values count as the values they hold (MXFP4
 * `_blocks`: two per byte). Each unit then compares the parameters its tensors hold with the
 * count of `arch.json`; a tensor no unit claims is reported too.
 */
import type { ArchJson } from '../schema/arch-json.js';
import type { StoredTensor } from './header.js';
import type { Checkpoint } from './read.js';

/** Why a stored tensor is not a parameter of any unit. */
export type SetAside = 'quantization scale' | 'buffer' | 'tied head stored twice' | "MTP module's copy of the embedding" | "MTP module's copy of the output head";

export interface UnitCheck {
  id: string;
  name: string;
  expected: number;
  found: number;
  ok: boolean;
  /** The tensors behind `found`, grouped by their name with the layer number as `N`. */
  tensors: { pattern: string; count: number; params: number }[];
  /** Tensors whose shape differs from the others of their group (the likely culprits of a mismatch). */
  outliers: { name: string; shape: number[]; usual: number[] }[];
}

export interface VerifyReport {
  source: string;
  commit: string | null;
  ok: boolean;
  units: UnitCheck[];
  /** Tensors no unit claims (their parameters are not in our count). */
  unclaimed: { name: string; params: number; why: string }[];
  setAside: { reason: SetAside; tensors: number; stored: number }[];
  totals: { expected: number; found: number };
}

/** The parameters a stored tensor holds: its elements, or two per byte of MXFP4 blocks. */
export function paramsOf(t: StoredTensor): number {
  return /_blocks$/.test(t.name) && t.dtype === 'U8' ? t.elements * 2 : t.elements;
}

/** Module paths in a layer (after `layers.N.`) → the unit key of our layer units. */
const LAYER_RULES: [RegExp, string][] = [
  [/^(input_layernorm|attention_norm|ln_1)\./, 'attn_norm'],
  [/^(post_attention_layernorm|ffn_norm|ln_2)\./, 'ffn_norm'],
  [/^(self_attn|attention|attn)\.(q_norm|k_norm|q_layernorm|k_layernorm)\./, 'qk_norm'],
  [/^(self_attn|attention|attn)\./, 'attn'],
  [/^(mlp|block_sparse_moe|feed_forward)\.(gate|router)\.(weight|bias|e_score_correction_bias)$/, 'router'],
  [/^(mlp|block_sparse_moe|feed_forward)\.experts\./, 'experts'],
  [/^(mlp|feed_forward)\.shared_experts?\./, 'shared_experts'],
  [/^mlp\.shared_expert_gate\./, 'shared_expert_gate'],
  [/^(mlp|feed_forward)\.(gate_proj|up_proj|down_proj|gate_up_proj|c_fc|c_proj|fc1|fc2)\./, 'ffn'],
  // DeepSeek's MTP module: its projection of [embedding; hidden] and its norms.
  [/^(enorm|hnorm|eh_proj|shared_head\.norm)\./, 'proj'],
];

/** Where a tensor goes: a unit id, a reason to set it aside, or null (unclaimed). */
function classify(arch: ArchJson, name: string): { unit: string } | { aside: SetAside } | null {
  if (/(\.|^)weight_scale_inv$|_scales$|\.weight_scale$|\.input_scale$/.test(name)) return { aside: 'quantization scale' };
  if (/(^|\.)inv_freq$|(^|\.)rotary_emb\./.test(name)) return { aside: 'buffer' };
  const top = name.replace(/^model\.(language_model\.)?/, '').replace(/^language_model\.model\./, '');
  if (/^(embed_tokens|wte|word_embeddings|tok_embeddings)\.weight$/.test(top)) return { unit: 'embed' };
  if (/^(norm|ln_f|final_layernorm)\.weight$/.test(top)) return { unit: 'final_norm' };
  if (/^(lm_head|output)\.weight$/.test(name.replace(/^language_model\./, ''))) {
    return arch.flags.tied_embeddings ? { aside: 'tied head stored twice' } : { unit: 'head' };
  }
  const layer = /^(?:layers|h|blocks)\.(\d+)\.(.+)$/.exec(top);
  if (!layer) return null;
  const n = Number(layer[1]);
  const rest = layer[2]!;
  const main = n < arch.layers.length;
  if (!main && /^embed_tokens\.weight$/.test(rest)) return { aside: "MTP module's copy of the embedding" };
  if (!main && /^shared_head\.head\.weight$/.test(rest)) return { aside: "MTP module's copy of the output head" };
  const rule = LAYER_RULES.find(([re]) => re.test(rest));
  if (!rule) return null;
  return { unit: `${main ? 'layers' : 'mtp'}.${rule[1]}` };
}

/** A tensor's name with its layer and expert numbers as N and E, for grouping. */
const pattern = (name: string): string => name.replace(/\.(layers|h|blocks)\.\d+\./, '.$1.N.').replace(/\.experts\.\d+\./, '.experts.E.');

/** Tensors shaped unlike most of their group (same name but for layer and expert numbers). */
function outliers(tensors: StoredTensor[]): UnitCheck['outliers'] {
  const groups = new Map<string, StoredTensor[]>();
  for (const t of tensors) (groups.get(pattern(t.name)) ?? groups.set(pattern(t.name), []).get(pattern(t.name))!).push(t);
  const out: UnitCheck['outliers'] = [];
  for (const group of groups.values()) {
    if (group.length < 3) continue;
    const counts = new Map<string, number>();
    for (const t of group) counts.set(JSON.stringify(t.shape), (counts.get(JSON.stringify(t.shape)) ?? 0) + 1);
    const usual = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    for (const t of group) if (JSON.stringify(t.shape) !== usual) out.push({ name: t.name, shape: t.shape, usual: JSON.parse(usual) as number[] });
  }
  return out.slice(0, 20);
}

/** Checks `arch.json`'s units against a checkpoint's tensors. */
export function verifyCheckpoint(arch: ArchJson, checkpoint: Checkpoint): VerifyReport {
  const byUnit = new Map<string, StoredTensor[]>();
  const unclaimed: VerifyReport['unclaimed'] = [];
  const aside = new Map<SetAside, { tensors: number; stored: number }>();
  const units = new Map(arch.units.map((u) => [u.id, u]));
  for (const t of checkpoint.tensors) {
    const c = classify(arch, t.name);
    if (c && 'aside' in c) {
      const a = aside.get(c.aside) ?? { tensors: 0, stored: 0 };
      aside.set(c.aside, { tensors: a.tensors + 1, stored: a.stored + t.elements });
      continue;
    }
    // A layer tensor belongs to the unit only if the unit covers that layer (a dense FFN tensor
    // in a layer the config makes MoE is a mismatch, not a match).
    const layer = /\.(?:layers|h|blocks)\.(\d+)\./.exec(t.name);
    const unit = c ? units.get(c.unit) : undefined;
    if (!c || !unit || (layer && unit.scope !== 'model' && !unit.layers.includes(Number(layer[1])))) {
      unclaimed.push({ name: t.name, params: paramsOf(t), why: !c ? 'no unit has a tensor of this name' : !unit ? `the config has no ${c.unit} unit` : `${c.unit} does not cover layer ${layer![1]}` });
      continue;
    }
    (byUnit.get(unit.id) ?? byUnit.set(unit.id, []).get(unit.id)!).push(t);
  }
  const checks: UnitCheck[] = arch.units.map((u) => {
    const tensors = byUnit.get(u.id) ?? [];
    const groups = new Map<string, { count: number; params: number }>();
    for (const t of tensors) {
      const g = groups.get(pattern(t.name)) ?? { count: 0, params: 0 };
      groups.set(pattern(t.name), { count: g.count + 1, params: g.params + paramsOf(t) });
    }
    const found = tensors.reduce((a, t) => a + paramsOf(t), 0);
    return { id: u.id, name: u.name, expected: u.total, found, ok: found === u.total, tensors: [...groups].map(([p, g]) => ({ pattern: p, ...g })), outliers: outliers(tensors) };
  });
  const expected = arch.units.reduce((a, u) => a + u.total, 0);
  const found = checks.reduce((a, c) => a + c.found, 0);
  return {
    source: checkpoint.source,
    commit: checkpoint.commit,
    ok: checks.every((c) => c.ok) && unclaimed.length === 0,
    units: checks,
    unclaimed,
    setAside: [...aside].map(([reason, a]) => ({ reason, ...a })),
    totals: { expected, found },
  };
}
