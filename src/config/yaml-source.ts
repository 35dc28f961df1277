// Parses one YAML file while keeping the positions of its nodes, so that every later problem found
// in the data (by zod or by cross-reference checks) can be reported at its file, line and column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigIssue } from '../errors.js';

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

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
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

  const toPos = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  return {
    file,
    value,
    issues,
    has(path) {
      return findNode(doc, path).exact;
    },
    positionOf(path, which = 'value', innerIndex) {
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
      return toPos(offset);
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

interface Found {
  node: unknown;
  keyNode: unknown;
  exact: boolean;
}

/** Walks the document's node tree along `path`, stopping at the deepest node that exists. */
function findNode(doc: Document, path: readonly PathSegment[]): Found {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
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
