// The shape of a compiled condition: every node of the checked tree becomes one `Evaluator`
// closure, and the closures call each other directly, so evaluation walks no AST.

/** Per-evaluation cache of scope paths read more than once (`task` in `task.a > 1 and task.b`). */
export type Memo = unknown[] | undefined;

/** One compiled node: reads what it needs from the scope and returns its value, or throws EvaluationFailure. */
export type Evaluator = (scope: unknown, memo: Memo) => unknown;

/** A compiled node with what the compiler knows about it, for folding and fusing its parent. */
export interface Compiled {
  readonly run: Evaluator;
  /** Present when the value is known at compile time. */
  readonly constant?: { readonly value: unknown };
  /** The value is always an array the condition built itself, so it can be scanned directly. */
  readonly ownArray?: boolean;
}
