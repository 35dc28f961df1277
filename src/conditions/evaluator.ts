// The shape of a compiled condition: every node of the checked tree becomes one `Evaluator`
// closure (or is fused into its parent's), and the closures call each other directly, so
// evaluation walks no AST and allocates nothing on the common path.

/** One compiled node: reads what it needs from the scope and returns its value, or throws EvaluationFailure. */
export type Evaluator = (scope: unknown) => unknown;

/** A compiled node with what the compiler knows about it, for folding and fusing its parent. */
export interface Compiled {
  readonly run: Evaluator;
  /** Present when the value is known at compile time. */
  readonly constant?: { readonly value: unknown };
  /** The value is always an array the condition built itself, so it can be scanned directly. */
  readonly ownArray?: boolean;
  /** Present when the node is a literal path (`task.complexity`), so a parent can fuse the read. */
  readonly path?: { readonly root: string; readonly keys: readonly (string | number)[] };
  /** Present when the node is a clause (a short path tested against a constant), so `and` / `or` / `not` can fuse it. */
  readonly clause?: Clause;
  /** Present when the node is a chain of clauses joined by one operator, so a rule set can read their paths once. */
  readonly chain?: ClauseChain;
}

/** `c1 and c2 and ...` or `c1 or c2 or ...`: clauses joined by one operator (a lone clause is a chain of one). */
export interface ClauseChain {
  readonly operator: 'and' | 'or';
  readonly clauses: readonly Clause[];
}

/** What a clause tests (the values of `TEST` in clauses.ts): truthy, ==, >, >=, <, <=, present, in a list, in a set. */
export type TestCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** `root.key` (or `root` alone) tested against a constant. String keys only: the common case. */
export interface Clause {
  readonly root: string;
  readonly key: string | undefined;
  readonly test: TestCode;
  readonly constant: unknown;
  readonly negate: boolean;
  /** `rootId(root)` and `fieldId(key)`, found once. */
  readonly rootId: number;
  readonly keyId: number;
}
