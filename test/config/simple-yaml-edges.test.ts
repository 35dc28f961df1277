// Texts a review found the fast reader accepting with a value different from `yaml`'s (or where
// `yaml` reports an error): a quote inside a plain word of a flow collection, Unicode spaces around
// flow items, and a quoted key longer in the file than after unquoting. The reader now declines or agrees.
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseSimpleYaml } from '../../src/config/simple-yaml.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';

/** The reader either declines, or gives exactly `yaml`'s error-free value. */
function expectAgreement(text: string): void {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return;
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true });
  expect(doc.errors.map((e) => e.code), text).toEqual([]);
  expect(fast.value, text).toEqual(doc.toJS());
}

describe('review: parseSimpleYaml vs yaml', () => {
  // Defect 1: a quote in the middle of a plain flow scalar is taken as the start of a quoted
  // scalar, swallowing the `,` separator. yaml: ["x'y", "z'"]; reader: ["x'y, z'"].
  it('a quote inside a plain flow-list item does not merge two items', () => {
    expectAgreement("a: [x'y, z']");
  });
  it('same with a double quote', () => {
    expectAgreement('a: [x"y, z"]');
  });
  it('same in a flow map (yaml: {k: "a\'b", "c\'": null})', () => {
    expectAgreement("a: {k: a'b, c'}");
  });

  // Defect 2: flow items are cut with String.prototype.trim, which also strips Unicode spaces
  // (NBSP, U+3000, U+2003, ...) that YAML treats as content. yaml: ["x\u00a0"]; reader: ["x"].
  it('a trailing no-break space in a flow-list item is kept', () => {
    expectAgreement('a: [x\u00a0]');
  });
  it('a leading no-break space in a flow-map key is kept', () => {
    expectAgreement('a: {\u00a0k: v}');
  });
  it('an ideographic space at the end of a flow-map value is kept', () => {
    expectAgreement('a: {k: v\u3000}');
  });

  // Defect 3: the key length limit is applied to the key's value (<= 1000), but yaml's limit is
  // 1024 source characters up to the `:`; a single-quoted key with `''` escapes is short in
  // value yet long in source. yaml: KEY_OVER_1024_CHARS; reader: accepts.
  it('a single-quoted key longer than 1024 source characters is not accepted', () => {
    expectAgreement(`'${"''".repeat(600)}': 1`);
  });
});

describe('review: the defects reach parseYamlSource (and so parseConfig)', () => {
  it('capabilities written as a flow list with a quote keep their items', () => {
    const source = parseYamlSource("models:\n  m:\n    capabilities: [don't_know, can't]\n", 'models.yaml');
    expect(source.value).toEqual({ models: { m: { capabilities: ["don't_know", "can't"] } } });
  });
  it('an over-long implicit key is still a YAML syntax error, as before the change', () => {
    const source = parseYamlSource(`'${"''".repeat(600)}': 1\n`, 'models.yaml');
    expect(source.issues.map((i) => i.kind)).toEqual(['yaml_syntax']);
  });
});
