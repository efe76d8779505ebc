// Writes schema/arch.schema.json from the zod schema in the built package.
import { mkdirSync, writeFileSync } from 'node:fs';
import { archJsonSchemaDocument } from '../dist/index.js';

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/arch.schema.json', import.meta.url), `${JSON.stringify(archJsonSchemaDocument(), null, 2)}\n`);
