/**
 * Our count against the checkpoint's own tensors, unit by unit. Each stored tensor is sorted by
 * its module path (`modules.ts`) into one of our units (`model.layers.7.self_attn.q_proj.weight`
 * → layer 7's attention; `vision_tower.…` → the wrapper's vision tower; `model.mtp.layers.0.…` → an
 * MTP layer the config may not declare), or set aside for a stated reason: quantization scales, buffers, a tied
 * head stored twice, an MTP module's copies of the embedding and head. Packed values count as the
 * values they hold (`packing.ts`: MXFP4, NVFP4, GPTQ, AWQ, compressed-tensors). Each unit then compares the parameters its tensors hold with the
 * count of `arch.json`; a tensor no unit claims is reported too.
 */
import type { ArchJson } from '../schema/arch-json.js';

import type { StoredTensor } from './header.js';
import type { Checkpoint } from './read.js';
import { placeTensor, sandwichLayers, SHARED_KV_TENSOR, STORED_INSIDE, tensorPattern, type SetAside } from './modules.js';
import { NO_PACKING, valuesOf, type Packing } from './packing.js';

export type { SetAside } from './modules.js';

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
  /** How packed values were counted (`quantization_config`), e.g. `gptq 4-bit`, or `none`. */
  packing: string;
  ok: boolean;
  units: UnitCheck[];
  /** Tensors no unit claims (their parameters are not in our count). */
  unclaimed: { name: string; params: number; why: string }[];
  setAside: { reason: SetAside; tensors: number; stored: number }[];
  totals: { expected: number; found: number };
}

/**
 * What a group of tensors is checked against: a unit of `arch.json` (the decoder's, a tower, an
 * MTP layer the config does not declare) or a stored copy with tensors of its own (Gemma 4's
 * `layer_scalar`, the k/v projections of its KV-shared layers). `expected` is the unit's count,
 * plus the stored copies its tensors also hold (`STORED_INSIDE`).
 */
export interface Checked {
  id: string;
  name: string;
  scope: string;
  family: string;
  layers: number[];
  expected: number;
}

/**
 * Everything a checkpoint is checked against, in the order of `arch.json`: whose sum with the
 * MTP copies set aside is `totals.checkpoint_params`.
 */
export function checkedUnits(arch: ArchJson): Checked[] {
  const inside = new Map<string, NonNullable<ArchJson['stored_copies']>>();
  const own: Checked[] = [];
  for (const c of arch.stored_copies ?? []) {
    const host = STORED_INSIDE.get(c.id);
    if (host) inside.set(host, [...(inside.get(host) ?? []), c]);
    // An MTP module's copies of the embedding and head are set aside by name.
    else if (!c.id.startsWith('mtp.')) own.push({ id: c.id, name: c.name, scope: 'stored', family: 'stored', layers: c.layers, expected: c.total });
  }
  const units = [...arch.units, ...(arch.towers ?? []), ...(arch.stored_mtp ?? [])].map((u): Checked => {
    const extra = inside.get(u.id) ?? [];
    return {
      id: u.id,
      name: [u.name, ...extra.map((c) => c.name)].join(' + '),
      scope: u.scope,
      family: u.family,
      layers: u.layers,
      expected: extra.reduce((a, c) => a + c.total, u.total),
    };
  });
  return [...units, ...own];
}

/**
 * Where a tensor goes: a checked unit, a reason to set it aside, or why no unit takes it. A layer
 * part whose unit is split by layer kind (`layers.router.hash`, `layers.compressor.r4`) goes to the
 * one that covers the tensor's layer.
 */
function classify(arch: ArchJson, units: Map<string, Checked>, name: string, sandwich: ReadonlySet<number>): { unit: string } | { aside: SetAside } | { why: string } {
  const place = placeTensor(name, { tied: arch.flags.tied_embeddings, mainLayers: arch.layers.length, sandwich });
  if (place.kind === 'aside') return { aside: place.reason };
  if (place.kind === 'model') return units.has(place.key) ? { unit: place.key } : { why: `the config has no ${place.key} unit` };
  if (place.kind === 'other') return { why: 'no unit has a tensor of this name' };
  if (place.kind === 'tower') {
    const unit = place.units.find((id) => units.has(id));
    return unit ? { unit } : { why: `the config describes no ${place.units.at(-1)!.replace('tower.', '')} tower (a ${place.group} the config does not declare)` };
  }
  const scope = place.layer < arch.layers.length ? 'layers' : 'mtp';
  const layer = arch.layers[place.layer];
  if (layer?.attention.kv_source !== undefined && SHARED_KV_TENSOR.test(name)) {
    const id = layer.attention.geometry ? `layers.shared_kv.${layer.attention.geometry}` : 'layers.shared_kv';
    if (units.has(id)) return { unit: id };
  }
  const id = `${scope}.${place.key}`;
  const covers = (u: Checked) => u.layers.includes(place.layer);
  const exact = units.get(id);
  if (exact && covers(exact)) return { unit: id };
  const split = [...units.values()].find((u) => u.id.startsWith(`${id}.`) && covers(u));
  if (split) return { unit: split.id };
  // Hybrids keep their state mixer under the attention's module name (Kimi Delta Attention in
  // `self_attn`), or the other way round: the layer's own mixer unit takes it.
  if (place.key === 'attn' || place.key === 'linear_attn') {
    const mixer = [...units.values()].find((u) => u.family === 'linear_attention' && u.id.startsWith(`${scope}.`) && covers(u));
    if (mixer) return { unit: mixer.id };
  }
  return { why: exact || split ? `${id} does not cover layer ${place.layer}` : `the config has no ${id} unit${[...units.keys()].some((k) => k.startsWith(`${id}.`)) ? ` for layer ${place.layer}` : ''}` };
}

/** Tensors shaped unlike most of their group (same name but for layer and expert numbers). */
function outliers(tensors: StoredTensor[]): UnitCheck['outliers'] {
  const groups = new Map<string, StoredTensor[]>();
  for (const t of tensors) (groups.get(tensorPattern(t.name)) ?? groups.set(tensorPattern(t.name), []).get(tensorPattern(t.name))!).push(t);
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
export function verifyCheckpoint(arch: ArchJson, checkpoint: Checkpoint, packing: Packing = NO_PACKING): VerifyReport {
  const paramsOf = (t: StoredTensor) => valuesOf(t, packing);
  const sandwich = sandwichLayers(checkpoint.tensors.map((t) => t.name));
  const byUnit = new Map<string, StoredTensor[]>();
  const unclaimed: VerifyReport['unclaimed'] = [];
  const aside = new Map<SetAside, { tensors: number; stored: number }>();
  const checked = checkedUnits(arch);
  const units = new Map(checked.map((u) => [u.id, u]));
  for (const t of checkpoint.tensors) {
    const c = classify(arch, units, t.name, sandwich);
    if ('aside' in c) {
      const a = aside.get(c.aside) ?? { tensors: 0, stored: 0 };
      aside.set(c.aside, { tensors: a.tensors + 1, stored: a.stored + t.elements });
    } else if ('why' in c) unclaimed.push({ name: t.name, params: paramsOf(t), why: c.why });
    else (byUnit.get(c.unit) ?? byUnit.set(c.unit, []).get(c.unit)!).push(t);
  }
  const checks: UnitCheck[] = checked.map((u) => {
    const tensors = byUnit.get(u.id) ?? [];
    const groups = new Map<string, { count: number; params: number }>();
    for (const t of tensors) {
      const g = groups.get(tensorPattern(t.name)) ?? { count: 0, params: 0 };
      groups.set(tensorPattern(t.name), { count: g.count + 1, params: g.params + paramsOf(t) });
    }
    const found = tensors.reduce((a, t) => a + paramsOf(t), 0);
    return { id: u.id, name: u.name, expected: u.expected, found, ok: found === u.expected, tensors: [...groups].map(([p, g]) => ({ pattern: p, ...g })), outliers: outliers(tensors) };
  });
  const expected = checked.reduce((a, u) => a + u.expected, 0);
  const found = checks.reduce((a, c) => a + c.found, 0);
  return {
    source: checkpoint.source,
    commit: checkpoint.commit,
    packing: packing.label,
    ok: checks.every((c) => c.ok) && unclaimed.length === 0,
    units: checks,
    unclaimed,
    setAside: [...aside].map(([reason, a]) => ({ reason, ...a })),
    totals: { expected, found },
  };
}
