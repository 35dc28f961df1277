// Parses one YAML file while keeping the positions of its nodes, so that every later problem found
// in the data (by the schema or by cross-reference checks) can be reported at its file, line and
// column.
//
// Most configuration files are plain block YAML, which `parseSimpleYaml` reads many times faster
// than the `yaml` package builds its document; the document, with its positions, is then built only
// when a position is asked for — that is, when there is something to report. Any other text goes
// through `yaml` at once, which also reports its syntax errors.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { parseSimpleYaml } from './simple-yaml.js';

export type PathSegment = string | number;

export interface YamlSource {
  file: string;
  /** The document's plain value (undefined for an empty file). */
  value: unknown;
  /** Problems of YAML syntax itself. */
  issues: ConfigIssue[];
  /** The 1-based line and column of the node at `path`, or of its nearest existing ancestor. */
  positionOf(
    path: readonly PathSegment[],
    which?: 'key' | 'value',
    innerIndex?: number,
  ): { line: number; column: number } | undefined;
  /** Whether the document holds a node at `path`. */
  has(path: readonly PathSegment[]): boolean;
}

interface Parsed {
  doc: Document;
  lineCounter: LineCounter;
}

const OPTIONS = { prettyErrors: false, merge: true } as const;

export function parseYamlSource(text: string, file: string): YamlSource {
  const simple = parseSimpleYaml(text);
  if (simple !== undefined) {
    // Read without errors: the document `yaml` builds for it has none either (and no duplicate keys).
    let parsed: Parsed | undefined;
    return source(file, simple.value, [], () => (parsed ??= parse(text, false)));
  }

  let parsed = parse(text, false);
  // Duplicate keys are found here in one pass; `yaml` compares each key with every earlier key of
  // its map, which grows with the square of a map's size. Only when there is one is the text
  // parsed again with `yaml`'s own check, for its exact errors.
  if (hasDuplicateKey(parsed.doc.contents)) parsed = parse(text, true);
  const { doc, lineCounter } = parsed;
  const issues: ConfigIssue[] = [];
  for (const error of doc.errors) {
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    issues.push({
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      severity: 'error',
      kind: 'yaml_syntax',
      message: `YAML syntax error: ${firstLine(error.message)}`,
    });
  }
  for (const warning of doc.warnings) {
    const pos = warning.linePos?.[0] ?? lineCounter.linePos(warning.pos[0]);
    issues.push({
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      severity: 'warning',
      kind: 'yaml_warning',
      message: firstLine(warning.message),
    });
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      // An alias bomb (or any failure to build the data) is a problem of the file, not a crash.
      issues.push({ file, line: 1, column: 1, path: '', severity: 'error', kind: 'yaml_alias_limit', message: `YAML could not be read: ${firstLine((error as Error).message)}` });
    }
  }
  return source(file, value, issues, () => parsed);
}

function parse(text: string, uniqueKeys: boolean): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...OPTIONS, lineCounter, uniqueKeys });
  return { doc, lineCounter };
}

function source(file: string, value: unknown, issues: ConfigIssue[], document: () => Parsed): YamlSource {
  return {
    file,
    value,
    issues,
    has(path) {
      return findNode(document().doc, path).exact;
    },
    positionOf(path, which = 'value', innerIndex) {
      const { doc, lineCounter } = document();
      const found = findNode(doc, path);
      const node = which === 'key' || !found.exact ? (found.keyNode ?? found.node) : found.node;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (!range) return undefined;
      let offset = range[0];
      // A position inside a one-line scalar (a condition's syntax error): step over the opening quote.
      if (innerIndex !== undefined && found.exact && isScalar(node)) {
        const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
        offset += innerIndex + (quoted ? 1 : 0);
      }
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Whether two keys of one map are equal as `yaml`'s `uniqueKeys` check compares them (the same scalar value). */
function hasDuplicateKey(root: unknown): boolean {
  const stack: unknown[] = [root];
  const visited = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (visited.has(node)) continue;
    visited.add(node);
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (keys.has(pair.key.value)) return true;
          keys.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return false;
}

interface Found {
  node: unknown;
  keyNode: unknown;
  exact: boolean;
}

/** Each map's first pair under each key, as `String(key)`: so that a lookup is not a scan. */
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, segment: PathSegment): Pair | undefined {
  let index = pairIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const item of map.items) {
      if (!isScalar(item.key)) continue;
      const key = String(item.key.value);
      if (!index.has(key)) index.set(key, item);
    }
    pairIndexes.set(map, index);
  }
  return index.get(String(segment));
}

/** Walks the document's node tree along `path`, stopping at the deepest node that exists. */
function findNode(doc: Document, path: readonly PathSegment[]): Found {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = pairOf(node, segment);
      if (!pair) return { node, keyNode, exact: false };
      keyNode = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return { node, keyNode, exact: false };
      keyNode = item;
      node = item;
    } else {
      return { node, keyNode, exact: false };
    }
  }
  return { node, keyNode, exact: true };
}
