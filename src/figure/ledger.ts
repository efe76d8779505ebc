/**
 * The ledger: a table under the drawing with one row per counted unit (its name, the symbolic
 * formula, the exact count per layer, × layers, the exact total and its share of the model), then
 * the totals. It carries every number, so the drawing above it can stay a drawing.
 */
import type { ArchJson } from '../schema/arch-json.js';
import type { Unit } from '../params/types.js';
import type { Item } from './scene.js';
import { compact, groupDigits } from './format.js';
import { breakAtPlus, formulaRuns } from './formula.js';
import { blockSize, lineWidth, plain, wrap, type Run } from './text.js';
import { SIZE } from './style.js';

/** Column x offsets and widths (pt) inside the table's width. */
const COLUMNS = { name: 0, formula: 166, perLayer: 452, times: 540, total: 572, share: 660 } as const;
const FORMULA_W = COLUMNS.perLayer - COLUMNS.formula - 12;
const ROW_GAP = 3.5;

interface TableRow {
  id: string;
  cells: { col: keyof typeof COLUMNS; lines: Run[][]; size: number; align: 'left' | 'right'; color?: 'ink' | 'muted' }[];
  rule?: boolean;
}

const right = (col: keyof typeof COLUMNS, text: string, face: Run['face'] = 'sans') => ({ col, lines: [[plain(text, face)]], size: SIZE.small, align: 'right' as const });

function unitRow(unit: Unit, share: number | null): TableRow {
  const formula = breakAtPlus(formulaRuns(unit.formula_symbolic), FORMULA_W, (l) => lineWidth(l, SIZE.label));
  const cells: TableRow['cells'] = [
    // A long name (a per-layer geometry's "(64 query heads)") wraps inside its column.
    { col: 'name', lines: wrap(unit.name, 'sans', SIZE.small, COLUMNS.formula - 10), size: SIZE.small, align: 'left' },
    { col: 'formula', lines: formula, size: SIZE.label, align: 'left' },
    right('perLayer', groupDigits(unit.param_count)),
    right('times', unit.repeat > 1 ? `× ${unit.repeat}` : ''),
    right('total', groupDigits(unit.total)),
  ];
  if (share !== null) cells.push(right('share', share >= 0.001 ? `${(share * 100).toFixed(1)}%` : '<0.1%'));
  return { id: unit.id, cells };
}

function rows(arch: ArchJson, showMtp: boolean): TableRow[] {
  const t = arch.totals;
  const out: TableRow[] = [
    {
      id: 'header',
      rule: true,
      cells: [
        { col: 'name', lines: [[plain('Block', 'bold')]], size: SIZE.small, align: 'left' },
        { col: 'formula', lines: [[plain('Parameters', 'bold')]], size: SIZE.small, align: 'left' },
        right('perLayer', 'per layer', 'bold'),
        right('times', '×', 'bold'),
        right('total', 'total', 'bold'),
        right('share', 'share', 'bold'),
      ],
    },
  ];
  for (const u of arch.units.filter((x) => x.scope !== 'mtp')) out.push(unitRow(u, u.total / t.params_main));
  out.push({
    id: 'total',
    rule: true,
    cells: [{ col: 'name', lines: [[plain('Total', 'bold')]], size: SIZE.small, align: 'left' }, right('total', groupDigits(t.params_main), 'bold'), right('share', '100%', 'bold')],
  });
  if (t.active_params !== t.params_main) {
    const nonEmb = t.active_params_non_embedding;
    out.push({
      id: 'active',
      cells: [
        { col: 'name', lines: [[plain('Active per token', 'bold')]], size: SIZE.small, align: 'left' },
        { col: 'formula', lines: [[plain(`${groupDigits(nonEmb)} without the embedding table (${compact(nonEmb)})`)]], size: SIZE.small, align: 'left', color: 'muted' },
        right('total', groupDigits(t.active_params), 'bold'),
        right('share', `${((t.active_params / t.params_main) * 100).toFixed(1)}%`),
      ],
    });
  }
  const mtp = arch.units.filter((x) => x.scope === 'mtp');
  if (showMtp && mtp.length) {
    out.push({ id: 'mtp.header', rule: true, cells: [{ col: 'name', lines: [[plain(`MTP module × ${arch.mtp_layers.length} (not in the total above)`, 'bold')]], size: SIZE.small, align: 'left' }] });
    // Units that repeat a main layer's (same name, formula and count) fold into one row.
    const main = arch.units.filter((x) => x.scope === 'layers');
    const same = (u: Unit) => main.some((m) => m.name === u.name && m.formula_symbolic === u.formula_symbolic && m.param_count === u.param_count);
    const copies = mtp.filter(same);
    if (copies.length) {
      // Per module and over all modules (Step 3.5 has three).
      const n = arch.mtp_layers.length;
      const total = copies.reduce((a, u) => a + u.total, 0);
      out.push({
        id: 'mtp.layer',
        cells: [
          { col: 'name', lines: [[plain(n > 1 ? 'A decoder layer each' : 'One decoder layer')]], size: SIZE.small, align: 'left' },
          { col: 'formula', lines: wrap(`as above: ${copies.map((u) => u.name).join(', ')}`, 'sans', SIZE.small, COLUMNS.perLayer - COLUMNS.formula - 12), size: SIZE.small, align: 'left', color: 'muted' },
          right('perLayer', groupDigits(total / n)),
          right('times', n > 1 ? `× ${n}` : ''),
          right('total', groupDigits(total)),
        ],
      });
    }
    for (const u of mtp.filter((x) => !same(x))) out.push(unitRow(u, null));
    out.push({ id: 'mtp.total', rule: true, cells: [{ col: 'name', lines: [[plain('With MTP', 'bold')]], size: SIZE.small, align: 'left' }, right('total', groupDigits(t.params), 'bold')] });
  }
  // The MTP module's copies (only where the MTP module is shown) and per-layer buffers (layer_scalar).
  // MTP copies are listed with the MTP module: shown, or stored without being declared (LongCat).
  const stored = (arch.stored_copies ?? []).filter((c) => showMtp || (arch.stored_mtp ?? []).length > 0 || !c.id.startsWith('mtp.'));
  const copies = stored.filter((c) => c.id.startsWith('mtp.'));
  const sharedKv = stored.filter((c) => c.id.startsWith('layers.shared_kv'));
  const buffers = stored.filter((c) => !c.id.startsWith('mtp.') && !sharedKv.includes(c));
  const towers = arch.towers ?? [];
  const storedMtp = arch.stored_mtp ?? [];
  if ((stored.length || towers.length || storedMtp.length) && t.checkpoint_params != null) {
    if (towers.length || storedMtp.length) {
      out.push({ id: 'tower.header', rule: true, cells: [{ col: 'name', lines: [[plain('Beside the text decoder, in the checkpoint', 'bold')]], size: SIZE.small, align: 'left' }] });
      for (const u of towers) out.push(unitRow(u, null));
      if (storedMtp.length) {
        const n = new Set(storedMtp.flatMap((u) => u.layers)).size;
        const sum = storedMtp.reduce((a, u) => a + u.total, 0);
        out.push({
          id: 'stored_mtp',
          cells: [
            { col: 'name', lines: wrap(`MTP layers × ${n}`, 'sans', SIZE.small, COLUMNS.formula - 10), size: SIZE.small, align: 'left' },
            { col: 'formula', lines: wrap('stored, not declared by the config: each a decoder layer with eh_proj and norms', 'sans', SIZE.small, COLUMNS.perLayer - COLUMNS.formula - 12), size: SIZE.small, align: 'left', color: 'muted' },
            right('perLayer', groupDigits(sum / n)),
            right('times', n > 1 ? `× ${n}` : ''),
            right('total', groupDigits(sum)),
          ],
        });
      }
    }
    const what = [
      ...(copies.length ? [`${arch.mtp_layers.length > 1 ? "each MTP module's own copy" : `the ${arch.mtp_layers.length === 0 ? 'stored MTP layer' : 'MTP module'}'s own ${copies.length > 1 ? 'copies' : 'copy'}`} of the ${copies.map((c) => (c.id.endsWith('embed_tokens') ? 'embedding' : 'head')).join(' and ')}`] : []),
      ...buffers.map((b) => `the ${b.name.replace(/ \(.*\)$/, '')} buffers (${groupDigits(b.total)})`),
      // Gemma 4 E2B/E4B: what its KV-shared layers store but never use.
      ...(sharedKv.length ? [`the unused k_proj, v_proj and k_norm of the ${sharedKv.reduce((a, c) => a + c.repeat, 0)} KV-shared layers (${groupDigits(sharedKv.reduce((a, c) => a + c.total, 0))})`] : []),
      ...(towers.length || storedMtp.length ? ['the rows above'] : []),
    ];
    out.push({
      id: 'checkpoint',
      rule: towers.length > 0 || storedMtp.length > 0,
      cells: [
        { col: 'name', lines: [[plain('As stored', 'bold')]], size: SIZE.small, align: 'left' },
        { col: 'formula', lines: wrap(`with ${what.join(' and ')}`, 'sans', SIZE.small, COLUMNS.perLayer - COLUMNS.formula - 12), size: SIZE.small, align: 'left', color: 'muted' },
        right('total', groupDigits(t.checkpoint_params), 'bold'),
      ],
    });
  }
  return out;
}

const rowHeight = (r: TableRow) => Math.max(...r.cells.map((c) => blockSize(c.lines, c.size).h)) + ROW_GAP;

/** Height of the table in pt. */
export function ledgerHeight(arch: ArchJson, showMtp: boolean): number {
  return rows(arch, showMtp).reduce((a, r) => a + rowHeight(r) + (r.rule ? 3 : 0), 0);
}

/** Draws the table with its top-left corner at (x, top); rules as thin ink lines. */
export function drawLedger(arch: ArchJson, showMtp: boolean, x: number, top: number, w: number): Item[] {
  const items: Item[] = [];
  let y = top;
  for (const r of rows(arch, showMtp)) {
    if (r.rule && r.id !== 'header') {
      y -= 1.5;
      items.push({ kind: 'arrow', id: `ledger.${r.id}.rule`, points: [[x, y], [x + w, y]], style: 'solid', head: false, color: 'muted', rule: true });
      y -= 1.5;
    }
    const h = rowHeight(r);
    for (const c of r.cells) {
      const s = blockSize(c.lines, c.size);
      const next = Object.values(COLUMNS).filter((v) => v > COLUMNS[c.col]).sort((a, b) => a - b)[0] ?? w;
      const cx = c.align === 'left' ? x + COLUMNS[c.col] : x + (next === w ? w : next - 8) - s.w;
      // One line sits on the row's first line; several lines start at the top.
      items.push({ kind: 'text', id: `ledger.${r.id}.${c.col}`, x: cx, y: y - s.h, w: s.w, h: s.h, lines: c.lines, size: c.size, color: c.color ?? 'ink', align: c.align });
    }
    y -= h;
    if (r.id === 'header') {
      y -= 1.5;
      items.push({ kind: 'arrow', id: 'ledger.header.rule', points: [[x, y], [x + w, y]], style: 'solid', head: false, color: 'muted', rule: true });
      y -= 1.5;
    }
  }
  return items;
}
