// Which literal paths a condition reads (`task.complexity`, `data.contains_pii`), found once at
// compile time and listed for tooling (the router uses them to know whether a rule reads PII).
import type { ConditionNode } from './check-ast.js';

export interface StaticPath {
  readonly root: string;
  readonly keys: readonly (string | number)[];
}

/** Every maximal literal path the condition reads, formatted, once each in order of first use. */
export function listPaths(root: ConditionNode): string[] {
  const reads: StaticPath[] = [];
  pathReads(root, reads);
  const paths = new Set<string>();
  for (const { root: name, keys } of reads) paths.add(formatPath(name, keys));
  return [...paths];
}

/** `task.a.b` as its root and literal keys; undefined when the chain holds anything else. */
export function staticPath(node: ConditionNode): StaticPath | undefined {
  const keys: (string | number)[] = [];
  let current = node;
  while (current.kind === 'member') {
    keys.push(current.key);
    current = current.object;
  }
  return current.kind === 'root' ? { root: current.name, keys: keys.reverse() } : undefined;
}

/** The path as written in a condition: `task.a`, `data[0]`, `context["odd key"]`. */
export function formatPath(root: string, keys: readonly (string | number)[]): string {
  let text = root;
  for (const key of keys) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}

/** Every maximal literal path the condition reads, once per place it is read. */
function pathReads(node: ConditionNode, out: StaticPath[]): void {
  const path = staticPath(node);
  if (path) {
    out.push(path);
    return;
  }
  switch (node.kind) {
    case 'literal':
    case 'root':
      return;
    case 'array':
      node.items.forEach((item) => pathReads(item, out));
      return;
    case 'member':
      pathReads(node.object, out);
      return;
    case 'computed':
      pathReads(node.object, out);
      pathReads(node.key, out);
      return;
    case 'not':
    case 'negate':
      pathReads(node.argument, out);
      return;
    case 'binary':
      pathReads(node.left, out);
      pathReads(node.right, out);
      return;
    case 'logical':
      node.operands.forEach((operand) => pathReads(operand, out));
      return;
    case 'conditional':
      pathReads(node.test, out);
      pathReads(node.consequent, out);
      pathReads(node.alternate, out);
      return;
    case 'call':
      node.args.forEach((arg) => pathReads(arg, out));
      return;
  }
}
