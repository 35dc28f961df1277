// The admin API's routing table: each path, its methods, the body each takes and what each does to
// the router. Changes say which audit action they are and what they changed; reads just answer.
import type { z } from 'zod';
import { UnknownAgentError } from '../errors.js';
import type { ActiveOverride } from '../router/runtime-overrides.js';
import type { AuditLog } from './audit-log.js';
import { AdminRequestError } from './admin-response.js';
import type { AdminAction, AdminRouter } from './admin-types.js';
import { listModels } from './model-listing.js';
import {
  agentModelBody,
  experimentChangeBody,
  explainBody,
  strategyBody,
  taskRoutingBody,
  type AgentModelBody,
  type ExperimentChangeBody,
  type ExplainBody,
  type StrategyBody,
  type TaskRoutingBody,
} from './request-bodies.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface OperationInput<B> {
  router: AdminRouter;
  /** Path parameters, percent-decoded and checked. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: B;
}

/** What a change reports for its audit entry, beside the response body. */
export interface ChangeOutcome {
  result: unknown;
  value?: string | undefined;
  reason?: string | undefined;
  duration?: string | number | undefined;
}

interface OperationBase<B> {
  /** The JSON body it takes; without one the body is not read. */
  body?: z.ZodType<B>;
}
export interface ReadOperation<B = undefined> extends OperationBase<B> {
  kind: 'read';
  run(input: OperationInput<B>): unknown;
}
export interface ChangeOperation<B = undefined> extends OperationBase<B> {
  kind: 'change';
  action: AdminAction;
  /** The path parameter naming what changes; absent for the strategy (target `routing`). */
  target?: string;
  run(input: OperationInput<B>): ChangeOutcome | Promise<ChangeOutcome>;
}
// The table holds operations of many body types; each is checked where it is written (`read`, `change`).
export type Operation = ReadOperation<any> | ChangeOperation<any>;

export interface AdminRoute {
  /** Literal segments, and `:name` for a parameter. */
  segments: readonly string[];
  methods: Partial<Record<Method, Operation>>;
}

const read = <B = undefined>(operation: Omit<ReadOperation<B>, 'kind'>): ReadOperation<B> => ({ kind: 'read', ...operation });
const change = <B = undefined>(operation: Omit<ChangeOperation<B>, 'kind'>): ChangeOperation<B> => ({ kind: 'change', ...operation });

/** The value an override held, read before it is cleared (for the audit). */
function heldBy(overrides: ActiveOverride[], target: string): string | undefined {
  return overrides.find((override) => override.target === target)?.value;
}

function auditLimitOf(query: URLSearchParams): number | undefined {
  const raw = query.get('limit');
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new AdminRequestError(400, 'INVALID_QUERY', 'Invalid limit: expected a whole number of entries', { path: 'limit' });
  return Number(raw);
}

function experimentRoute(verb: 'start' | 'pause' | 'end'): AdminRoute {
  return {
    segments: ['api', 'experiments', ':name', verb],
    methods: {
      POST: change<ExperimentChangeBody>({
        action: `experiment.${verb}`,
        target: 'name',
        body: experimentChangeBody,
        run: ({ router, params, body }) => {
          const options = body.reason === undefined ? {} : { reason: body.reason };
          const status = router.experiments[verb](params.name!, options);
          return { result: status, value: status.status, reason: body.reason };
        },
      }),
    },
  };
}

export function adminRoutes(audit: AuditLog): AdminRoute[] {
  return [
    {
      segments: ['api', 'agents', ':agent_id', 'model'],
      methods: {
        POST: change<AgentModelBody>({
          action: 'agent_model.set',
          target: 'agent_id',
          body: agentModelBody,
          run: ({ router, params, body }) => {
            const { model_id, reason, duration } = body;
            const override = router.overrides.setAgentModel(params.agent_id!, model_id, { reason, duration });
            return { result: override, value: model_id, reason, duration };
          },
        }),
        DELETE: change({
          action: 'agent_model.clear',
          target: 'agent_id',
          run: ({ router, params }) => {
            const agentId = params.agent_id!;
            if (!router.agentIds().includes(agentId)) throw new UnknownAgentError(agentId, router.agentIds());
            const value = heldBy(router.overrides.list().agentModels, agentId);
            return { result: { cleared: router.overrides.clearAgentModel(agentId) }, value };
          },
        }),
      },
    },
    {
      segments: ['api', 'routing', 'strategy'],
      methods: {
        POST: change<StrategyBody>({
          action: 'strategy.set',
          body: strategyBody,
          run: ({ router, body }) => {
            const { strategy, reason, duration } = body;
            return { result: router.overrides.setStrategy(strategy, { reason, duration }), value: strategy, reason, duration };
          },
        }),
        DELETE: change({
          action: 'strategy.clear',
          run: ({ router }) => {
            const value = router.overrides.list().strategy?.value;
            return { result: { cleared: router.overrides.clearStrategy() }, value };
          },
        }),
      },
    },
    {
      segments: ['api', 'tasks', ':task_id', 'routing'],
      methods: {
        POST: change<TaskRoutingBody>({
          action: 'task_routing.set',
          target: 'task_id',
          body: taskRoutingBody,
          run: ({ router, params, body }) => {
            const { force_model, reason, duration } = body;
            const override = router.overrides.setTaskRouting(params.task_id!, { forceModel: force_model, reason, duration });
            return { result: override, value: force_model, reason, duration };
          },
        }),
        DELETE: change({
          action: 'task_routing.clear',
          target: 'task_id',
          run: ({ router, params }) => {
            const taskId = params.task_id!;
            const value = heldBy(router.overrides.list().taskRouting, taskId);
            return { result: { cleared: router.overrides.clearTaskRouting(taskId) }, value };
          },
        }),
      },
    },
    { segments: ['api', 'overrides'], methods: { GET: read({ run: ({ router }) => router.overrides.list() }) } },
    { segments: ['api', 'budget'], methods: { GET: read({ run: ({ router }) => router.budget() }) } },
    { segments: ['api', 'models'], methods: { GET: read({ run: ({ router }) => ({ models: listModels(router) }) }) } },
    { segments: ['api', 'metrics'], methods: { GET: read({ run: ({ router }) => router.metrics() }) } },
    {
      segments: ['api', 'route', 'explain'],
      methods: {
        POST: read<ExplainBody>({
          body: explainBody,
          run: ({ router, body }) => router.explain(body.agent_id, body.task, body.context),
        }),
      },
    },
    { segments: ['api', 'experiments'], methods: { GET: read({ run: ({ router }) => ({ experiments: router.experiments.list() }) }) } },
    experimentRoute('start'),
    experimentRoute('pause'),
    experimentRoute('end'),
    { segments: ['api', 'audit'], methods: { GET: read({ run: ({ query }) => ({ entries: audit.list(auditLimitOf(query)) }) }) } },
  ];
}
