/** Paths and contents of the fixtures under fixtures/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export function fixturePath(name: string): string {
  return `${FIXTURES}${name}`;
}

export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export interface Expected {
  params_main: number;
  params?: number;
  /** The whole checkpoint's count, where a Hub total for it is known (a reconstructed config). */
  checkpoint_params?: number;
  how: string;
}

/** The ground truth of the corpus (`configs/`) and the hand-derived counts (`extra/`). */
export function expectedCounts(): { file: string; expected: Expected }[] {
  const corpus = JSON.parse(fixture('expected.json')) as Record<string, Expected>;
  const extra = JSON.parse(fixture('extra/expected.json')) as Record<string, Expected>;
  return [
    ...Object.entries(corpus).map(([f, expected]) => ({ file: `configs/${f}`, expected })),
    ...Object.entries(extra).map(([f, expected]) => ({ file: `extra/${f}`, expected })),
  ];
}
