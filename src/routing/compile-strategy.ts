// A strategy's rules (`prefer_local_models`, `parallel_requests`, thresholds, ...) merged into the
// flags decide() reads, and the seed's four strategies for when routing.yaml does not define one.
import type { StrategyRuleConfig } from '../config/schema.js';
import { BUILTIN_STRATEGIES } from '../config/validate-config.js';

export interface CompiledStrategy {
  name: string;
  description: string | undefined;
  preferLocal: boolean;
  preferCloud: boolean;
  cloudBudgetPerDay: number | undefined;
  fallbackToCloud: { complexity: number | undefined; confidence: number | undefined } | undefined;
  parallelRequests: boolean;
  cacheResponses: boolean;
  allowCloud: boolean;
  requiredType: 'cloud' | 'local' | undefined;
  cloudForComplexTasks: boolean;
  localForRoutineTasks: boolean;
  dynamicRouting: boolean;
  complexThreshold: number;
  routineThreshold: number;
}

/** The seed's four strategies, used when routing.yaml does not define a strategy of that name. */
const BUILTIN_STRATEGY_RULES: Record<(typeof BUILTIN_STRATEGIES)[number], StrategyRuleConfig[]> = {
  cost_optimized: [{ prefer_local_models: true }, { fallback_to_cloud_threshold: { complexity: 7, confidence: 0.6 } }],
  performance_optimized: [{ prefer_cloud_models: true }, { parallel_requests: true }, { cache_responses: true }],
  privacy_first: [{ allow_cloud_models: false }, { required_model_type: 'local' }],
  balanced: [{ cloud_for_complex_tasks: true }, { local_for_routine_tasks: true }, { dynamic_routing: true }],
};

function builtinRules(name: string): readonly StrategyRuleConfig[] {
  return (BUILTIN_STRATEGIES as readonly string[]).includes(name) ? BUILTIN_STRATEGY_RULES[name as (typeof BUILTIN_STRATEGIES)[number]] : [];
}

/**
 * A strategy's rules merged into the flags decide() reads; without rules given, the seed's strategy
 * of that name (one of the four built in).
 */
export function compileStrategy(name: string, description: string | undefined, rules: readonly StrategyRuleConfig[] = builtinRules(name)): CompiledStrategy {
  // Merged into an object without a prototype: a flag no rule sets reads as unset, whatever
  // Object.prototype carries.
  const merged: StrategyRuleConfig = Object.assign(Object.create(null) as StrategyRuleConfig, ...rules);
  const allowCloud = merged.allow_cloud_models !== false && merged.required_model_type !== 'local';
  return {
    name,
    description,
    preferLocal: merged.prefer_local_models === true,
    preferCloud: merged.prefer_cloud_models === true,
    cloudBudgetPerDay: merged.cloud_budget_per_day,
    fallbackToCloud: merged.fallback_to_cloud_threshold
      ? {
          complexity: merged.fallback_to_cloud_threshold.complexity,
          confidence: merged.fallback_to_cloud_threshold.confidence,
        }
      : undefined,
    parallelRequests: merged.parallel_requests === true,
    cacheResponses: merged.cache_responses === true,
    allowCloud,
    requiredType: merged.required_model_type ?? (allowCloud ? undefined : 'local'),
    cloudForComplexTasks: merged.cloud_for_complex_tasks === true,
    localForRoutineTasks: merged.local_for_routine_tasks === true,
    dynamicRouting: merged.dynamic_routing !== false,
    complexThreshold: merged.complex_task_threshold ?? 7,
    routineThreshold: merged.routine_task_threshold ?? 3,
  };
}
