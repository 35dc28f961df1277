// Step 5 of a decision: the strategy in force ranks the eligible candidates — prefer local, prefer
// cloud with thresholds, or the weighted score of `balanced` with its complex/routine pools.
import { isOwn } from '../own-data.js';
import type { Chosen, DecisionRun } from './decision-run.js';

export function applyStrategy(run: DecisionRun): Chosen {
  const { agent, strategy, candidates, compiled } = run;
  // The `budget_mode` role is the agent's own answer to a tight budget.
  const budgetModel = agent.roles.get('budget_mode');
  if ((run.costLimitReached || (isOwn(run.context, 'budget_mode') && run.context.budget_mode === true)) && budgetModel !== undefined && candidates.includes(budgetModel)) {
    return run.pick(budgetModel, 'the budget is constrained and the agent names a budget_mode model');
  }

  const { complexity } = run;
  const local: string[] = [];
  const cloud: string[] = [];
  for (const id of candidates) (compiled.models.get(id)!.type === 'local' ? local : cloud).push(id);

  if (strategy.preferLocal) {
    if (local.length === 0) return run.pick(run.best(candidates), 'prefers local models, but none is eligible; highest score');
    const role = agent.roles.get('local_alternative');
    const localChoice = role !== undefined && local.includes(role) ? role : run.best(local);
    const threshold = strategy.fallbackToCloud;
    if (threshold && cloud.length > 0) {
      if (threshold.complexity !== undefined && complexity !== undefined && complexity >= threshold.complexity) {
        return run.pick(run.best(cloud), `task complexity ${complexity} ≥ ${threshold.complexity} falls back to the cloud`);
      }
      const confidence = run.confidenceIn(localChoice);
      if (threshold.confidence !== undefined && confidence < threshold.confidence) {
        return run.pick(run.best(cloud), `confidence in ${localChoice} is ${confidence} < ${threshold.confidence}, so it falls back to the cloud`);
      }
    }
    return run.pick(localChoice, 'prefers local models');
  }

  if (strategy.preferCloud) {
    if (cloud.length === 0) return run.pick(run.best(candidates), 'prefers cloud models, but none is eligible; highest score');
    const primary = agent.roles.get('primary');
    return run.pick(primary !== undefined && cloud.includes(primary) ? primary : run.best(cloud), 'prefers cloud models');
  }

  let pool: readonly string[] = candidates;
  let why = 'highest weighted score';
  if (strategy.cloudForComplexTasks && complexity !== undefined && complexity >= strategy.complexThreshold && cloud.length > 0) {
    pool = cloud;
    why = `complex task (complexity ${complexity} ≥ ${strategy.complexThreshold}) goes to the cloud; highest score`;
  } else if (strategy.localForRoutineTasks && complexity !== undefined && complexity <= strategy.routineThreshold && local.length > 0) {
    pool = local;
    why = `routine task (complexity ${complexity} ≤ ${strategy.routineThreshold}) stays local; highest score`;
  }
  if (!strategy.dynamicRouting) return run.pick(pool[0]!, why.replace(/highest (weighted )?score/, 'first preferred model'));
  return run.pick(run.best(pool), why);
}
