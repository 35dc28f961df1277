// The fast YAML reader against the `yaml` package: whatever text it accepts, `yaml` reads without an
// error or a warning and to the same value (same keys in the same order, same numbers, same nulls);
// whatever else it leaves to `yaml`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseSimpleYaml } from '../../src/config/simple-yaml.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { SEED_DIR } from '../helpers/seed.js';

/** A key-order-sensitive picture of a value, prototypes, NaN and -0 included. */
function picture(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(picture);
  const prototype = Object.getPrototypeOf(value) === Object.prototype ? 'object' : 'other prototype';
  return [prototype, ...Object.keys(value).map((key) => [key, picture((value as Record<string, unknown>)[key])])];
}

/** Asserts the reader's answer for `text` is `yaml`'s, or that it declined; says which. */
function agrees(text: string): 'read' | 'declined' {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return 'declined';
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true });
  expect(doc.errors.map((e) => e.message), text).toEqual([]);
  expect(doc.warnings.map((e) => e.message), text).toEqual([]);
  expect(picture(fast.value), text).toEqual(picture(doc.toJS({ maxAliasCount: 1000 })));
  return 'read';
}

// ---------------------------------------------------------------------------------------------
// Random documents: maps and lists nested in the ways people write them, every kind of scalar, and
// a sprinkling of what the reader must decline.

const scalars = fc.oneof(
  // words and names
  fc.constantFrom('claude-3-opus', 'gpt-4', 'llama3:8b', 'a b', 'http://h:8080/x', '/models/x', 'x_y.z', 'é', '日本', '\u{1F600}', "don't", 'a"b', 'a,b', '[x]', 'x]', '{x}', 'a#b', 'a #b', 'a: b', 'a:', ':a', 'a :b', '-a', '- a', '-', '?a', '? a', '!x', '&a', '*a', '|', '>', '%x', '@x', '`x', '~', 'a  b', '---', '...', '<<'),
  // the core schema's edge cases
  fc.constantFrom('null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', 'off', 'y', 'n'),
  fc.constantFrom('0', '-0', '+0', '007', '12', '-12', '+12', '1_000', '0o17', '0o8', '0x1F', '0X1F', '0xg', '0b1', '1.5', '-1.5', '.5', '5.', '1e3', '1E-3', '-.5e+2', '1.e2', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'nan', 'inf', '12345678901234567890', '1.7976931348623157e309', '0.1.2'),
  // quoted
  fc.constantFrom('"a b"', '"task.complexity > 8 and x == \'y\'"', "'it''s'", "''", '""', '"a # b"', '"a: b"', '"\\n"', '"a\\"b"', "'a'b'", '"a" b', "'x' # c", '"unclosed', "'unclosed", '"a"#c'),
  // flow
  fc.constantFrom('[]', '[ ]', '{}', '{ }', '[a, b]', '[ a , "b c" , 1 ]', '[a, [b]]', '[a,]', '[a b]', '[a: b]', '{ input: 0.01, output: 0.03 }', '{a: 1, a: 2}', '{a: }', '{a:1}', '{ "k": v }', '{ a }', '[a] # c', '[a] b', '[a, \'b,c\']', '{x: [1]}', '[#]'),
  fc.string({ maxLength: 6 }),
);

const keys = fc.oneof(
  fc.constantFrom('models', 'type', 'a', 'b', 'a-b', 'x.y', 'a/b', 'a+b', '_x', 'Model_1', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '1', '1.0', '0x1', 'null', 'true', '~', 'a b', '"a"', "'a'", '"a b"', '""', 'é', '<<', '? a', '&k a', 'k'.repeat(1030)),
  fc.stringMatching(/^[a-z][a-z0-9_-]{0,5}$/),
);

type Tree = { kind: 'map'; entries: [string, Tree][] } | { kind: 'list'; items: Tree[] } | { kind: 'scalar'; text: string };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree; map: Tree; list: Tree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { arbitrary: scalars.map((text): Tree => ({ kind: 'scalar', text })), weight: 4 }, tie('map'), tie('list')),
  map: fc.array(fc.tuple(keys, tie('tree')), { minLength: 1, maxLength: 4 }).map((entries): Tree => ({ kind: 'map', entries })),
  list: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items): Tree => ({ kind: 'list', items })),
})).map;

interface Style {
  indent: number;
  /** A list under a key starts at the key's own column. */
  listAtKeyColumn: boolean;
  /** Spaces after a list dash. */
  dashGap: number;
  comments: boolean;
  blankLines: boolean;
  trailingSpaces: boolean;
  crlf: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(1, 2, 4),
  listAtKeyColumn: fc.boolean(),
  dashGap: fc.constantFrom(1, 1, 3),
  comments: fc.boolean(),
  blankLines: fc.boolean(),
  trailingSpaces: fc.boolean(),
  crlf: fc.boolean(),
});

function render(root: Tree, s: Style): string {
  const lines: string[] = [];
  const comment = (line: string) => (s.comments && line.length % 3 === 0 ? `${line} # note` : line);
  const push = (line: string) => {
    lines.push(s.trailingSpaces && line.length % 2 === 0 ? `${line}  ` : line);
    if (s.blankLines && lines.length % 4 === 0) lines.push(s.comments ? '  # a comment' : '');
  };
  const block = (node: Tree, column: number, prefix: string | undefined): void => {
    // `prefix` is what starts the first line (a list dash), already placed at `column - prefix.length`.
    if (node.kind === 'scalar') {
      push(comment(`${prefix ?? ' '.repeat(column)}${node.text}`));
      return;
    }
    if (node.kind === 'map') {
      node.entries.forEach(([key, value], i) => {
        const lead = i === 0 && prefix !== undefined ? prefix : ' '.repeat(column);
        if (value.kind === 'scalar') {
          push(comment(`${lead}${key}: ${value.text}`));
        } else {
          push(comment(`${lead}${key}:`));
          const inner = value.kind === 'list' && s.listAtKeyColumn ? column : column + s.indent;
          block(value, inner, undefined);
        }
      });
      return;
    }
    node.items.forEach((item, i) => {
      const lead = i === 0 && prefix !== undefined ? prefix : ' '.repeat(column);
      const dash = `${lead}-${' '.repeat(s.dashGap)}`;
      if (item.kind === 'list') {
        push(`${lead}-`);
        block(item, column + s.indent, undefined);
      } else {
        block(item, column + 1 + s.dashGap, dash);
      }
    });
  };
  block(root, 0, undefined);
  return lines.join(s.crlf ? '\r\n' : '\n') + '\n';
}

/** Small damage of the kinds people do by hand. */
const damage = fc.oneof(
  fc.constant((t: string) => t),
  fc.constant((t: string) => t),
  fc.constant((t: string) => t.replace(/\n {2}(\S)/, '\n   $1')),
  fc.constant((t: string) => t.replace(/\n {4}(\S)/, '\n  $1')),
  fc.constant((t: string) => t.replace('  ', '\t')),
  fc.constant((t: string) => t.replace(': ', ':  &anchor ')),
  fc.constant((t: string) => t.replace(/\n$/, '')),
  fc.constant((t: string) => `---\n${t}`),
  fc.constant((t: string) => `${t}...\n`),
  fc.constant((t: string) => `\uFEFF${t}`),
  fc.constant((t: string) => t.replace('\n', '\r')),
  fc.constant((t: string) => `  ${t}`),
  fc.constant((t: string) => t.replace(/: (.*)\n/, ':\n  $1\n')),
  fc.constant((t: string) => t.replace(/: (.*)\n/, ': |\n  $1\n')),
);

describe('parseSimpleYaml reads what yaml reads, or declines', () => {
  it('for random documents', () => {
    const outcomes = { read: 0, declined: 0 };
    fc.assert(
      fc.property(tree, style, damage, (root, s, hurt) => {
        outcomes[agrees(hurt(render(root, s)))]++;
      }),
      { numRuns: 3000 },
    );
    // The reader must actually read most plain documents, or it is no faster.
    expect(outcomes.read).toBeGreaterThan(150);
  });

  it('for random documents of plain names and numbers, which it reads', () => {
    const plainTree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree; map: Tree; list: Tree }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, { arbitrary: fc.constantFrom('a', 'claude-3-opus', '1', '0.5', 'true', 'null', '"x y"', "'z'", '[a, 1]', '{ a: 1 }').map((text): Tree => ({ kind: 'scalar', text })), weight: 3 }, tie('map'), tie('list')),
      map: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_-]{0,4}$/), tie('tree')), { minLength: 1, maxLength: 4, selector: ([key]) => key }).map((entries): Tree => ({ kind: 'map', entries })),
      list: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items): Tree => ({ kind: 'list', items })),
    })).map;
    fc.assert(
      fc.property(plainTree, style, (root, s) => {
        expect(agrees(render(root, s))).toBe('read');
      }),
      { numRuns: 500 },
    );
  });

  it('for the example configuration files, which it reads', () => {
    const files = ['models.yaml', 'agents.yaml', 'routing.yaml', ...readdirSync(join(SEED_DIR, 'environments')).map((f) => `environments/${f}`)];
    for (const file of files) expect(agrees(readFileSync(join(SEED_DIR, file), 'utf8'))).toBe('read');
  });

  it('for the documents it must leave to yaml', () => {
    for (const text of [
      '',
      '# only a comment\n',
      'a: 1\na: 2\n',
      'a: 1\n"a": 2\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: b\n  c\n',
      'a: "b\n  c"\n',
      'a:\n\tb: 1\n',
      '- a\n- b\n',
      'a: 1\n  b: 2\n',
      'a:\n  b: 1\n c: 2\n',
      '<<: {a: 1}\n',
      '? a\n: b\n',
      'a: "\\u0041"\n',
      '%YAML 1.2\n---\na: 1\n',
    ]) {
      expect(agrees(text), JSON.stringify(text)).toBe('declined');
    }
  });
});

describe('parseYamlSource', () => {
  it('gives the same values, issues and positions whether or not the fast reader read the file', () => {
    const text = 'models:\n  m:\n    provider: local\n    type: "local"\n    capabilities: [a, b]\nagents:\n  a:\n    routing_rules:\n      - condition: "x > 1"\n        model: m\n';
    const fast = parseYamlSource(text, 'f.yaml');
    // An anchor no one uses sends the same document through `yaml`.
    const slow = parseYamlSource(text.replace('provider: local', 'provider: &p local'), 'f.yaml');
    expect(parseSimpleYaml(text)).toBeDefined();
    expect(fast.value).toEqual(slow.value);
    expect(fast.issues).toEqual(slow.issues);
    for (const path of [['models'], ['models', 'm', 'type'], ['agents', 'a', 'routing_rules', 0, 'condition'], ['agents', 'a', 'routing_rules', 0, 'model'], ['models', 'm', 'capabilities', 1], ['models', 'nope', 'x'], ['agents', 'a', 'routing_rules', 5]]) {
      for (const which of ['key', 'value'] as const) expect(fast.positionOf(path, which, 2)).toEqual(slow.positionOf(path, which, 2));
      expect(fast.has(path)).toBe(slow.has(path));
    }
  });

  it('reports a duplicate key as yaml does, in a large map too', () => {
    const big = `agents:\n${Array.from({ length: 3000 }, (_, i) => `  a${i}: 1\n`).join('')}  a17: 2\n`;
    const source = parseYamlSource(big, 'agents.yaml');
    expect(source.issues).toEqual([
      { file: 'agents.yaml', line: 3002, column: 3, path: '', severity: 'error', kind: 'yaml_syntax', message: 'YAML syntax error: Map keys must be unique' },
    ]);
    expect(source.value).toBeUndefined();
  });
});
