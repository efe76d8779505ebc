/**
 * The README's Supported models table against the code: every fixture's counts appear in a row
 * as `hf-arch extract` prints them, and every model type the recipes read is named in the table
 * (or in the sentence on wrappers read the same way).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { extract, SUPPORTED_MODEL_TYPES } from '../src/index.js';
import { expectedCounts, fixturePath } from './helpers/fixtures.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const digits = (n: number | null | undefined) => (n == null ? '—' : n.toLocaleString('en-US'));

interface Row { model: string; types: string[]; family: string; main: string; active: string; checkpoint: string; kv: string }

const rows: Row[] = readme
  .split('\n')
  .filter((l) => /^\| .+ \| `/.test(l))
  .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()))
  .filter((c) => c.length === 7)
  .map(([model, types, family, main, active, checkpoint, kv]) => ({
    model: model!, types: [...types!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), family: family!, main: main!, active: active!, checkpoint: checkpoint!, kv: kv!,
  }));

describe('README: Supported models', () => {
  test('the table has a row per model', () => assert.ok(rows.length >= 60, String(rows.length)));

  for (const { file } of expectedCounts()) {
    test(`${file} has its row`, async () => {
      const { arch } = await extract(fixturePath(file));
      const t = arch.totals;
      const mtp = t.params - t.params_main;
      const main = mtp > 0 ? `${digits(t.params_main)} (+${digits(mtp)} MTP)` : digits(t.params_main);
      const row = rows.find((r) => r.main === main && r.types.includes(arch.model.model_type));
      assert.ok(row, `no row with ${arch.model.model_type} and ${main}`);
      assert.deepEqual([row.family, row.active, row.checkpoint, row.kv], [arch.family, digits(t.active_params), digits(t.checkpoint_params), digits(t.kv_cache_bytes_per_token)], row.model);
    });
  }

  test('every model type the recipes read is named', () => {
    const named = new Set([...readme.matchAll(/`([A-Za-z0-9_.-]+)`/g)].map((m) => m[1]!));
    const missing = SUPPORTED_MODEL_TYPES.filter((t) => !rows.some((r) => r.types.includes(t)) && !named.has(t));
    assert.deepEqual(missing, []);
  });
});
