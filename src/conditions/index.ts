// The condition language: strings from the config compiled once into safe, fast closures.
export {
  compileCondition,
  CONDITION_FUNCTIONS,
  type CompiledCondition,
  type ConditionEvaluation,
  type ConditionOptions,
  type ConditionScope,
} from './compile-condition.js';
// Internal (not re-exported by the package): the router's rule plans.
export { planConditionSet, type ConditionSet } from './path-slots.js';
