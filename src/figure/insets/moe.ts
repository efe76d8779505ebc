/**
 * The "MoE layer" inset: the router fed by the layer input, the routed experts ("Feed forward"
 * boxes with a numbered tag: 1 in ink, E in the accent colour), their outputs summed in ⊕
 * (weighted by the router's gates), and the shared expert(s) fed by the same input directly and
 * added into the same ⊕ — through a sigmoid gate when the model has one (Qwen's
 * `shared_expert_gate`, a `d → 1` linear: the shared output is σ(w·x) ⊗ shared(x), the gate fed by
 * the layer input x beside the shared expert, multiplied in at ⊗ above it).
 *
 * Two arrangements, chosen by width (the right column holds {@link INSET_MAX_W} pt):
 * - fan (the gallery's): experts in one row above the router, arrows fanning out to them and
 *   converging on ⊕ above; E > 8 draws experts 1 and E with "…" between, E ≤ 8 draws all of
 *   them when the row fits;
 * - ladder (E ≤ 8 whose row would not fit, e.g. Mixtral's 8): experts stacked, the router's
 *   line running up their left side with an arrow into each, their outputs joining a line on
 *   their right that rises into ⊕.
 * Under the drawing, one line per unit ("Router: E·d + E = 1,835,264", the routed experts, the
 * shared expert, its gate), per layer, broken at " + " to the width.
 *
 * Items (ids, relative to the drawing area): boxes `moe.router`, `moe.expert.<n>` and their tags
 * `moe.tag.<n>` (n = the expert's number, 1-based), `moe.shared`, `moe.shared_gate`; text
 * `moe.dots` (the "…" of the fan), `moe.formula`; circle `moe.sum`; arrows `moe.in` (input,
 * from the free space above the formula into the router), `moe.in.shared` (its branch to the
 * shared expert), `moe.in.gate` (on to the gate), circle `moe.shared.times` (the gate's ⊗), `moe.route.<n>` (router → expert n), `moe.exp.<n>` (expert n → ⊕, or to the
 * ladder's collecting line), `moe.bus`, `moe.collect` (ladder only), `moe.shared.*` and `moe.out`
 * (output, ends at the top edge, y = h).
 */
import type { ArchJson } from '../../schema/arch-json.js';
import type { BoxItem, CircleItem, Item, Role, TextItem } from '../scene.js';
import type { Unit } from '../../params/types.js';
import { accent, arrow, boxAt, circle, strong, textAt } from '../draw.js';
import { formulaBlock } from '../formula.js';
import { translateItems } from '../geometry.js';
import { BOX_RADIUS, SIZE } from '../style.js';
import { blockSize, lineWidth, plain, type Run } from '../text.js';
import { wrapRuns } from '../wrap-runs.js';
import { INSET_PAD, type Inset, type InsetOptions } from './inset.js';
import { activationName, INSET_MAX_W, moveTo, xExtent } from './ffn.js';
import { dim } from '../dims.js';
import { cell, finish, g, Grid, gridOverFormulas, lbl, need, outArrow, type Cell } from './grid.js';

/** Largest E drawn expert by expert; above it, experts 1 and E with "…" between. */
export const MAX_DRAWN_EXPERTS = 8;
/** Input arrow below the router, and output arrow above ⊕. */
const LEAD = 18;
/** Height from the router's top to the expert row (the fan's arrows), and from the row to ⊕. */
const RISE = 30;
const SUM_RISE = 26;
/** Gaps in the expert row: between boxes, around "…", before the shared expert. */
const ROW_GAP = 8;
const DOTS_GAP = 6;
const SHARED_GAP = 10;
const STEP = 14;
const FORMULA_GAP = 6;

/** The expert numbers the inset draws: all of 1..E for E ≤ 8, else 1 and E (null marks "…"). */
export function drawnExperts(E: number): (number | null)[] {
  if (E <= MAX_DRAWN_EXPERTS) return Array.from({ length: E }, (_, i) => i + 1);
  return [1, null, E];
}

/** Tag colours: expert 1 ink on paper text, expert E accent, the others white. */
function tagColors(n: number, E: number): { fill: Role; text: Role } {
  if (n === 1) return { fill: 'ink', text: 'paper' };
  if (n === E) return { fill: 'accent', text: 'paper' };
  return { fill: 'box', text: 'ink' };
}

/** The small numbered tag of expert `n` (lower-left corner at 0, 0). */
function tag(n: number, E: number): BoxItem {
  const lines = [[plain(String(n))]];
  const s = blockSize(lines, SIZE.small);
  const { fill, text } = tagColors(n, E);
  return { kind: 'box', id: `moe.tag.${n}`, x: 0, y: 0, w: s.w + 6, h: s.h + 2, fill, stroke: 'ink', textColor: text, lines, size: SIZE.small, radius: BOX_RADIUS / 2 };
}

/** The expert's label: "Feed forward" on one line, or on two where the row is tight. */
const EXPERT_LINES = { one: [[plain('Feed forward')]], two: [[plain('Feed')], [plain('forward')]] };
const expertBox = (n: number, lines: Run[][] = EXPERT_LINES.one): BoxItem => boxAt(`moe.expert.${n}`, 0, 0, lines, { fill: 'expert', size: SIZE.small });

/** Routers of the layers, hash routers first (DeepSeek-V4: `layers.router.hash`, then `layers.router`). */
function routerUnits(arch: ArchJson): Unit[] {
  return arch.units
    .filter((u) => u.scope === 'layers' && (u.id === 'layers.router' || u.id.startsWith('layers.router.')))
    .sort((a, b) => (a.layers[0] ?? 0) - (b.layers[0] ?? 0));
}

/** "first 3 layers" or "layers 0, 5, 9" for the layers that route by hash. */
function hashLayersText(arch: ArchJson): string | null {
  const hash = arch.layers.filter((l) => l.ffn.routing === 'hash').map((l) => l.index);
  if (hash.length === 0) return null;
  const prefix = hash.every((index, i) => index === i);
  return prefix ? `first ${hash.length} layer${hash.length > 1 ? 's' : ''}` : `layers ${hash.join(', ')}`;
}

function routerBox(arch: ArchJson): BoxItem {
  const hash = arch.flags.hash_routing ? hashLayersText(arch) : null;
  // DeepSeek-V4: in hash layers the experts come from a token-id table (tid2eid), the gate still weighs them.
  // ZAYA1: an MLP router that can also pick a class that runs no expert.
  const mlp = arch.flags.router_mlp ? [[{ text: 'an MLP, + a skip class', face: 'sans' as const, scale: 0.9 }]] : [];
  const lines: Run[][] = [[plain('Router')], ...mlp, ...(hash ? [[{ text: `(hash-routed in ${hash})`, face: 'sans' as const, scale: 0.9 }]] : [])];
  return boxAt('moe.router', 0, 0, lines, { fill: 'router' });
}

function sharedBoxes(arch: ArchJson): { shared: BoxItem; gate: BoxItem | null } | null {
  // Grok-2's dense MLP beside the experts takes the shared expert's place: always on, added in.
  if (!arch.flags.shared_experts && arch.layers.some((l) => l.ffn.residual)) {
    return { shared: boxAt('moe.shared', 0, 0, [[plain('Dense')], [plain('FFN')]], { fill: 'expert', size: SIZE.small }), gate: null };
  }
  if (!arch.flags.shared_experts) return null;
  const ns = arch.dims['n_s']?.value ?? 1;
  const lines = ns > 1 ? [[plain(`${ns} shared`)], [plain('experts')]] : [[plain('Shared')], [plain('expert')]];
  const shared = boxAt('moe.shared', 0, 0, lines, { fill: 'expert', size: SIZE.small });
  const gate = arch.flags.shared_expert_gate ? boxAt('moe.shared_gate', 0, 0, [[plain('Sigmoid')], [plain('gate')]], { fill: 'router', size: SIZE.small }) : null;
  return { shared, gate };
}

/** The point on the rim of `c` in the direction of `p`. */
function rimToward(c: CircleItem, p: [number, number]): [number, number] {
  const dx = p[0] - c.cx;
  const dy = p[1] - c.cy;
  const len = Math.hypot(dx, dy) || 1;
  return [c.cx + (c.r * dx) / len, c.cy + (c.r * dy) / len];
}

const topOf = (b: BoxItem): number => b.y + b.h;
const cxOf = (b: BoxItem): number => b.x + b.w / 2;
const cyOf = (b: BoxItem): number => b.y + b.h / 2;

interface Parts {
  E: number;
  expert: Run[][];
  router: BoxItem;
  shared: { shared: BoxItem; gate: BoxItem | null } | null;
}

/** Width of the fan's row: the drawn experts, "…", and the shared expert. */
function fanRowWidth(p: Parts): number {
  const drawn = drawnExperts(p.E);
  const ew = expertBox(1, p.expert).w;
  const dots = lineWidth([plain('…')], SIZE.small);
  let w = 0;
  drawn.forEach((n, i) => {
    if (i > 0) w += n === null || drawn[i - 1] === null ? DOTS_GAP : ROW_GAP;
    w += n === null ? dots : ew;
  });
  if (p.shared) w += SHARED_GAP + sharedWidth(p.shared);
  return w;
}

/** Width of the shared column: the shared expert, and its gate beside it. */
const sharedWidth = (s: NonNullable<Parts['shared']>): number => s.shared.w + (s.gate ? ROW_GAP + s.gate.w : 0);

/**
 * The shared path with its lower-left corner at (x, bottom): the input branch from (inX, yj), the
 * shared expert, and, when gated, the gate beside it fed by the same branch, both into ⊗ above
 * the expert. `out` is where the path leaves upwards, `top` the highest point drawn.
 */
function sharedPath(s: NonNullable<Parts['shared']>, x: number, bottom: number, inX: number, yj: number): { items: Item[]; out: [number, number]; top: number } {
  const shared = moveTo(s.shared, x, bottom);
  const cx = cxOf(shared);
  const items: Item[] = [shared, arrow('moe.in.shared', [[inX, yj], [cx, yj], [cx, shared.y]])];
  if (!s.gate) return { items, out: [cx, topOf(shared)], top: topOf(shared) };
  const gate = moveTo(s.gate, shared.x + shared.w + ROW_GAP, bottom);
  const gx = cxOf(gate);
  const times = circle('moe.shared.times', cx, Math.max(topOf(shared), topOf(gate)) + STEP, 'times');
  items.push(
    gate,
    arrow('moe.in.gate', [[cx, yj], [gx, yj], [gx, gate.y]]),
    arrow('moe.shared.gated', [[cx, topOf(shared)], [cx, times.cy - times.r]]),
    arrow('moe.shared.gate', [[gx, topOf(gate)], [gx, times.cy], [cx + times.r, times.cy]]),
    times,
  );
  return { items, out: [cx, times.cy + times.r], top: times.cy + times.r };
}

/** The gallery's arrangement: one row of experts over the router, fanning into ⊕. */
function fan(p: Parts): Item[] {
  const drawn = drawnExperts(p.E);
  const items: Item[] = [];
  const router = moveTo(p.router, 0, LEAD);
  const t0 = tag(1, p.E);
  const rowY = topOf(router) + RISE + t0.h;
  let x = 0;
  const boxes: { n: number; box: BoxItem }[] = [];
  let dots: TextItem | null = null;
  drawn.forEach((n, i) => {
    if (i > 0) x += n === null || drawn[i - 1] === null ? DOTS_GAP : ROW_GAP;
    if (n === null) {
      const probe = expertBox(1, p.expert);
      const d = textAt('moe.dots', x, 0, [[plain('…')]], { size: SIZE.small });
      dots = { ...d, y: rowY + probe.h / 2 - d.h / 2 };
      x += d.w;
      return;
    }
    const b = expertBox(n, p.expert);
    boxes.push({ n, box: moveTo(b, x, rowY) });
    x += b.w;
  });
  const rowRight = x;
  const rc = rowRight / 2;
  const r = moveTo(router, rc - router.w / 2, router.y);
  items.push(r, arrow('moe.in', [[rc, 0], [rc, r.y]]));
  if (dots) items.push(dots);
  const sp = p.shared ? sharedPath(p.shared, rowRight + SHARED_GAP, rowY, rc, LEAD / 2) : null;
  const rowTop = rowY + boxes[0]!.box.h;
  const sum = circle('moe.sum', rc, Math.max(rowTop, sp?.top ?? 0) + SUM_RISE, 'plus');
  const half = r.w / 2 - 6;
  for (const { n, box } of boxes) {
    const t = tag(n, p.E);
    // The tag hangs under the expert's outer corner, away from the router's arrow.
    const outer = cxOf(box) < rc ? box.x : box.x + box.w - t.w;
    const start = rc + Math.max(-half, Math.min(half, (cxOf(box) - rc) * 0.25));
    const from: [number, number] = [cxOf(box), topOf(box)];
    items.push(
      box, moveTo(t, outer, box.y - t.h),
      arrow(`moe.route.${n}`, [[start, topOf(r)], [cxOf(box), box.y]]),
      arrow(`moe.exp.${n}`, [from, rimToward(sum, from)]),
    );
  }
  if (sp) items.push(...sp.items, arrow('moe.shared.out', [sp.out, rimToward(sum, sp.out)]));
  items.push(sum, arrow('moe.out', [[sum.cx, sum.cy + sum.r], [sum.cx, sum.cy + sum.r + LEAD]]));
  return items;
}

/** Experts stacked: the router's line up their left, their outputs collected on the right. */
function ladder(p: Parts): Item[] {
  const drawn = drawnExperts(p.E).filter((n): n is number => n !== null);
  const items: Item[] = [];
  const router = moveTo(p.router, 0, LEAD);
  const bus = cxOf(router);
  items.push(router, arrow('moe.in', [[bus, 0], [bus, router.y]]));
  // The shared path sits right of the router, at its height, fed by the input's branch; its
  // output turns right above it towards the collecting line.
  const sp = p.shared ? sharedPath(p.shared, router.x + router.w + SHARED_GAP, router.y, bus, LEAD / 2) : null;
  const sharedRight = p.shared ? router.x + router.w + SHARED_GAP + sharedWidth(p.shared) : -Infinity;
  const turnY = sp ? sp.top + STEP / 2 : 0;
  const sharedTop = sp ? turnY : topOf(router);
  const probe = expertBox(1, p.expert);
  const tw = Math.max(...drawn.map((n) => tag(n, p.E).w));
  const boxX = bus + STEP;
  const pitch = probe.h + 6;
  const firstY = sharedTop + STEP;
  const collectX = Math.max(boxX + probe.w + tw + STEP, sharedRight + STEP);
  const rows = drawn.map((n, i) => ({ n, box: moveTo(expertBox(n, p.expert), boxX, firstY + i * pitch) }));
  const topRow = rows[rows.length - 1]!.box;
  const sum = circle('moe.sum', collectX, cyOf(topRow) + SUM_RISE, 'plus');
  for (const { n, box } of rows) {
    const t = tag(n, p.E);
    const tagged = moveTo(t, box.x + box.w, cyOf(box) - t.h / 2);
    items.push(
      box, tagged,
      arrow(`moe.route.${n}`, [[bus, cyOf(box)], [box.x, cyOf(box)]]),
      arrow(`moe.exp.${n}`, [[tagged.x + tagged.w, cyOf(box)], [collectX, cyOf(box)]], { head: false }),
    );
  }
  items.push(arrow('moe.bus', [[bus, topOf(router)], [bus, cyOf(topRow)]], { head: false }));
  const collectFrom = sp ? turnY : cyOf(rows[0]!.box);
  if (sp) items.push(...sp.items, arrow('moe.shared.out', [sp.out, [sp.out[0], turnY], [collectX, turnY]], { head: false }));
  items.push(
    arrow('moe.collect', [[collectX, collectFrom], [collectX, sum.cy - sum.r]]),
    sum, arrow('moe.out', [[sum.cx, sum.cy + sum.r], [sum.cx, sum.cy + sum.r + LEAD]]),
  );
  return items;
}

/** One line per unit: "name: formula = exact". */
function unitLines(arch: ArchJson, max: number): Run[][] {
  const ids = ['layers.experts', 'layers.shared_experts', 'layers.shared_expert_gate'];
  const units = [...routerUnits(arch), ...ids.map((id) => arch.units.find((u) => u.id === id)).filter((u): u is Unit => u !== undefined)];
  return units.flatMap((u) => formulaBlock([plain(`${u.name}: `)], u.formula_symbolic, u.param_count, max));
}

const outputTop = (items: Item[]): number => {
  const out = items.find((i) => i.kind === 'arrow' && i.id === 'moe.out');
  return out && out.kind === 'arrow' ? out.points[out.points.length - 1]![1] : 0;
};

/** "k of E experts active per token", and "plus n shared" after it or on a line of its own;
 * with identity experts (LongCat `zero_expert_num`) "k of E experts and Z identity experts". */
function captionLines(k: number, E: number, shared: number, identity = 0): Run[][] {
  const max = INSET_MAX_W + 2 * INSET_PAD;
  const pool = identity > 0 ? [accent(String(E)), strong(' experts and '), accent(String(identity)), strong(' identity experts active per token')] : [accent(String(E)), strong(' experts active per token')];
  const lines = wrapRuns([accent(String(k)), strong(' of '), ...pool], SIZE.callout, max);
  if (shared === 0) return lines;
  const plus = [strong('plus '), accent(String(shared)), strong(' shared')];
  const last = lines[lines.length - 1]!;
  const joined = [...last, strong(' '), ...plus];
  if (lineWidth(joined, SIZE.callout) <= max) lines[lines.length - 1] = joined;
  else lines.push(plus);
  return lines;
}

/** The column of the latent path in the latent-MoE grid (router left, shared experts right). */
const X_COL = 1;

/**
 * A latent MoE (Nemotron-H `moe_latent_size`), as NemotronHMoE computes it: the router scores the
 * full hidden state; `fc1_latent_proj` takes it down to the latent, where the k chosen experts
 * run and are summed with the router's weights; `fc2_latent_proj` brings the sum back to d; the
 * shared expert reads the full hidden state and is added.
 */
function latentMoeInset(arch: ArchJson, o: InsetOptions, E: number, k: number): Inset {
  const [d, lat, de] = [need(arch, 'd'), need(arch, 'd_lat'), need(arch, 'd_e')];
  // Nemotron-H: one shared expert of its own width; Kimi K3: n_s of the routed width.
  const ns = dim(arch, 'n_s') ?? 1;
  const ds = dim(arch, 'd_s') ?? ns * de;
  const act = activationName(arch.activation);
  // Kimi K3: an RMSNorm over the experts' weighted sum, before the way up.
  const norm = arch.latent_moe?.norm ? [cell('moe.latent_norm', X_COL, X_COL, lbl('RMSNorm', g(lat)), 'norm')] : [];
  const [R, X, S] = [0, X_COL, 2];
  const rows: Cell[][] = [
    [
      cell('moe.router', R, R, lbl('Router', `${k} of ${E}`), 'router'),
      cell('moe.down', X, X, lbl('Linear down', `${g(d)} → ${g(lat)}`), 'proj'),
      cell('moe.shared', S, S, ns > 1 ? lbl('Shared experts', `${ns} × ${g(de)}`) : lbl('Shared expert', `width ${g(ds)}`), 'expert'),
    ],
    [cell('moe.expert.1', R, X, lbl(`${k} routed experts`, `${g(lat)} → ${g(de)} → ${g(lat)}, ${act}`, 'weighted by the router'), 'expert')],
    ...(norm.length ? [norm] : []),
    [cell('moe.up', X, X, lbl('Linear up', `${g(lat)} → ${g(d)}`), 'proj')],
  ];
  const sum = cell('moe.sum', X, S, lbl('Add'), 'box');
  const widths = Grid.fit(3, [...rows, [sum]], [30, 30, 30]);
  const ids = ['layers.router', 'layers.experts', 'layers.latent_proj', 'layers.shared_experts'];
  const { formula, y0, grid } = gridOverFormulas(arch, o, ids, widths, rows, INSET_MAX_W);
  grid.input('moe.in', y0, [{ box: 'moe.router' }, { box: 'moe.down' }, { box: 'moe.shared' }]);
  grid.lane('moe.lane.router', R, ['moe.router', 'moe.expert.1']);
  grid.row([sum]);
  grid.lane('moe.lane.x', X, ['moe.down', 'moe.expert.1', ...(norm.length ? ['moe.latent_norm'] : []), 'moe.up', 'moe.sum']);
  grid.lane('moe.lane.shared', S, ['moe.shared', 'moe.sum']);
  outArrow(grid, 'moe.out', grid.box('moe.sum'));
  const inset = finish('moe', 'Latent MoE layer', captionLines(k, E, ns), formula, grid, 'ffn', INSET_MAX_W);
  return { ...inset, title: [strong('Latent MoE layer')] };
}

/**
 * The MoE-layer inset of `arch` (target `ffn`), or null for a dense model. Caption: "k of E
 * experts active per token" (+ "plus n shared").
 */
export function moeInset(arch: ArchJson, o: InsetOptions = { formulas: true }): Inset | null {
  const E = arch.dims['E']?.value;
  const k = arch.dims['k']?.value;
  if (!arch.flags.moe || E === undefined || k === undefined) return null;
  if (arch.dims['d_lat']) return latentMoeInset(arch, o, E, k);
  // The fan when its row fits (with two-line expert labels if need be), else the ladder.
  const parts: Parts = { E, expert: EXPERT_LINES.one, router: routerBox(arch), shared: sharedBoxes(arch) };
  if (fanRowWidth(parts) > INSET_MAX_W && E > MAX_DRAWN_EXPERTS) parts.expert = EXPERT_LINES.two;
  const raw = fanRowWidth(parts) <= INSET_MAX_W ? fan(parts) : ladder(parts);
  const formula0 = textAt('moe.formula', 0, 0, o.formulas ? unitLines(arch, INSET_MAX_W) : [], { size: SIZE.label, color: 'muted' });
  // LongCat-Flash: the MoE sits on a shortcut beside the block; its leader goes to the row whose
  // input it reads.
  const title: Run[] = [strong(arch.flags.shortcut_moe ? 'Shortcut MoE (reads this input)' : 'MoE layer')];
  const [lo, hi] = xExtent(raw);
  const w = Math.max(hi - lo, formula0.w, lineWidth(title, SIZE.label));
  const drawn = translateItems(raw, (w - (hi - lo)) / 2 - lo, formula0.h + (o.formulas ? FORMULA_GAP : 0));
  const formula: TextItem = { ...formula0, x: 0 };
  const ns = arch.dims['n_s']?.value ?? 1;
  const caption = captionLines(k, E, arch.flags.shared_experts ? ns : 0, arch.dims['Z']?.value ?? 0);
  // ZAYA1: the router's extra class runs no expert.
  if (arch.flags.router_mlp) caption.push([strong('or none (the skip class)')]);
  return { id: 'moe', title, w, h: outputTop(drawn), items: o.formulas ? [...drawn, formula] : drawn, caption, target: 'ffn' };
}
