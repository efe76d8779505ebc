/** The JSON Schema shipped in the package is the one the zod schema describes. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { archJsonSchemaDocument, extract } from '../src/index.js';
import { fixturePath } from './helpers/fixtures.js';

test('schema/arch.schema.json is up to date', async () => {
  const shipped = JSON.parse(await readFile(new URL('../schema/arch.schema.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(shipped, archJsonSchemaDocument());
});

test('arch.json is deterministic and has the documented top-level keys', async () => {
  const a = JSON.stringify((await extract(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'))).arch);
  const b = JSON.stringify((await extract(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'))).arch);
  assert.equal(a, b);
  const arch = JSON.parse(a) as Record<string, unknown>;
  for (const key of ['schema_version', 'model', 'family', 'flags', 'layers', 'units', 'totals']) assert.ok(key in arch, key);
  const model = arch['model'] as Record<string, unknown>;
  for (const key of ['source', 'revision', 'model_type', 'config_sha256']) assert.ok(key in model, key);
});
