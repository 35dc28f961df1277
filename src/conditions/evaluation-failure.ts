// A condition that cannot be evaluated (a type error, a bound exceeded): it evaluates to false and
// the trace records why. Thrown inside evaluation only; never reaches the caller.
/** Thrown inside compiled closures for a type error; never escapes `evaluate*`. */
export class EvaluationFailure {
  constructor(readonly reason: string) {}
}
