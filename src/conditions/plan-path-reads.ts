// Which literal paths a condition reads (`task.complexity`, `data.contains_pii`), found once at
// compile time: listed for tooling, and planned into memo slots so a path read in more than one
// place is asked of the scope once per evaluation.
import type { ConditionNode } from './check-ast.js';

export interface StaticPath {
  readonly root: string;
  readonly keys: readonly (string | number)[];
}

export interface PathReadPlan {
  /** Memo slot of each path (formatted) read in more than one place, or shared as a prefix. */
  readonly memoSlots: ReadonlyMap<string, number>;
  /** Every maximal literal path read, formatted, once each in order of first use. */
  readonly paths: readonly string[];
}

/**
 * Paths read in more than one place (or sharing a prefix) are memoised per evaluation, so
 * `task.complexity > 6 and task.type == 'x'` asks for `task` once.
 */
export function planPathReads(root: ConditionNode): PathReadPlan {
  const reads: StaticPath[] = [];
  pathReads(root, reads);
  const prefixUses = new Map<string, number>();
  for (const { root: name, keys } of reads) {
    for (let length = 0; length <= keys.length; length++) {
      const id = formatPath(name, keys.slice(0, length));
      prefixUses.set(id, (prefixUses.get(id) ?? 0) + 1);
    }
  }
  const memoSlots = new Map<string, number>();
  for (const [id, uses] of prefixUses) if (uses > 1) memoSlots.set(id, memoSlots.size);

  const paths: string[] = [];
  for (const { root: name, keys } of reads) {
    const text = formatPath(name, keys);
    if (!paths.includes(text)) paths.push(text);
  }
  return { memoSlots, paths };
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
