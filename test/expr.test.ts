/** The expression type: one tree, three renderings, one value. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { add, evaluate, mul, num, toTexConcrete, toTexSymbolic, toText } from '../src/index.js';

const d = { tex: 'd', value: 4096, field: 'hidden_size' };
const H = { tex: 'H', value: 32, field: 'num_attention_heads' };
const Hkv = { tex: 'H_{kv}', value: 8, field: 'num_key_value_heads' };
const dh = { tex: 'd_{h}', value: 128, field: 'head_dim' };

describe('expr', () => {
  test('like terms combine whatever the factor order; largest term first', () => {
    const e = add(mul(d, H, dh), mul(d, Hkv, dh), mul(d, Hkv, dh), mul(H, dh, d));
    assert.equal(toText(e), '2·d·H·d_h + 2·d·H_kv·d_h');
    assert.equal(evaluate(e), 2 * 4096 * 32 * 128 + 2 * 4096 * 8 * 128);
  });

  test('powers, parentheses and constants', () => {
    const e = add(mul(d, d), 3, mul(add(H, 2), d));
    assert.equal(toText(e), 'd^2 + (H + 2)·d + 3');
    assert.equal(toTexSymbolic(e), 'd^{2} + \\left(H + 2\\right)\\,d + 3');
    assert.equal(toTexConcrete(e), '4{,}096^{2} + \\left(32 + 2\\right) \\cdot 4{,}096 + 3');
    assert.equal(evaluate(e), 4096 * 4096 + 34 * 4096 + 3);
  });

  test('numbers fold; zeros vanish', () => {
    assert.equal(toText(mul(2, 3, d)), '6·d');
    assert.equal(toText(add(num(0), d)), 'd');
    assert.equal(evaluate(mul(0, d)), 0);
  });

  test('a count beyond exact integers is an error, not a rounded number', () => {
    const big = { tex: 'B', value: 2 ** 40, field: 'x' };
    assert.throws(() => evaluate(mul(big, big)), /not an exact integer/);
  });

  test('figure numbers: units chosen after rounding; formulas with nested or broken braces', async () => {
    const { compact, bytes } = await import('../src/figure/format.js');
    const { formulaRuns } = await import('../src/figure/formula.js');
    assert.deepEqual([999, 999_950, 41_943_040, 8_030_261_248, 671_026_419_200].map(compact), ['999', '1M', '41.9M', '8.03B', '671B']);
    assert.deepEqual([512, 8928, 1_040_000].map(bytes), ['512 B', '8.72 KiB', '0.99 MiB']);
    assert.deepEqual(formulaRuns('d_{h_{x}}').map((r) => r.text), ['d', 'h_x'], 'nested scripts are flattened into one subscript');
    assert.throws(() => formulaRuns('a_{b'), /unbalanced brace/);
  });
});
