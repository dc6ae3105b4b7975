import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonErrorOffset } from '../../src/lib/json-error-offset.js';

describe('jsonErrorOffset (the position of a JSON_PARSER_ERROR, SPEC §2)', () => {
  test('finds the offending character where V8 leaves the position out', () => {
    assert.equal(jsonErrorOffset('x'), 0);
    assert.equal(jsonErrorOffset('{"a":x}'), 5);
    assert.equal(jsonErrorOffset('{"x":"}", "a":x}'), 14, 'not the first x, which is inside a string');
    assert.equal(jsonErrorOffset('[1,]'), 3);
    assert.equal(jsonErrorOffset('{"a":tru}'), 8);
    assert.equal(jsonErrorOffset('{"a":NaN}'), 5);
    assert.equal(jsonErrorOffset('\ufeff{}'), 0);
  });

  test('an input that ends too early fails at its length; valid JSON has no error', () => {
    assert.equal(jsonErrorOffset(''), 0);
    assert.equal(jsonErrorOffset('{"a":'), 5);
    assert.equal(jsonErrorOffset('"abc'), 4);
    for (const valid of ['{}', '[]', ' {"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]} ', '0', '"s"']) {
      assert.equal(jsonErrorOffset(valid), undefined, valid);
    }
    assert.equal(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), undefined, 'any depth');
  });

  test('agrees with JSON.parse on validity, and with every position V8 reports', () => {
    // A fixed pseudo-random sequence: the same 20 000 mutated documents on every run.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = [...'{}[]":, \na10-.e+truenlfx\\E', '\u0001'];
    const seeds = ['{"a":1}', '[1,2,{"b":[true,false,null]}]', '{"a":"x\\n\\u0041"}', '-0.5e+10', '{}'];
    let positions = 0;
    for (let round = 0; round < 20_000; round++) {
      let text = seeds[random(seeds.length)] as string;
      for (let edits = random(3) + 1; edits > 0; edits--) {
        const at = random(text.length + 1);
        const char = alphabet[random(alphabet.length)] as string;
        const kind = random(3);
        text = text.slice(0, at) + (kind === 1 ? '' : char) + text.slice(kind === 0 ? at : at + 1);
      }
      let message: string | undefined;
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const offset = jsonErrorOffset(text);
      assert.equal(offset === undefined, message === undefined, JSON.stringify(text));
      const reported = message && /at position (\d+)/.exec(message);
      if (reported) {
        positions++;
        assert.equal(offset, Number(reported[1]), `${JSON.stringify(text)}: ${message}`);
      }
    }
    assert.ok(positions > 1000, 'V8 reported enough positions to compare');
  });
});
