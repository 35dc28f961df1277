// `llm-agent-router route <config-dir> --agent ID --task JSON|@file [--context JSON|@file]`:
// one decision and its full trace, readable in a terminal, or as JSON.
import { createRouter } from '../router/create-router.js';
import { NoEligibleModelError } from '../errors.js';
import { CommandFailure, EXIT_OK, UsageError } from './cli-io.js';
import { didYouMean } from '../edit-distance.js';
import type { CliCommand } from './command.js';
import { formatDecision, formatTrace, isTraceStep } from './format-decision.js';
import { painter } from './format.js';
import { readJsonObjectArgument } from './json-argument.js';
import { loadCliConfig } from './load-cli-config.js';

export const routeCommand: CliCommand = {
  name: 'route',
  positionals: ['<config-dir>'],
  options: [
    { name: 'agent', value: 'ID', required: true, help: 'the agent making the request' },
    { name: 'task', value: 'JSON|@file', required: true, help: 'the task, as JSON or @path to a JSON file' },
    { name: 'context', value: 'JSON|@file', help: 'the context (routing_strategy, budget_mode, ...)' },
    { name: 'env', value: 'NAME', help: 'merge environments/NAME.yaml over the configuration' },
    { name: 'json', help: 'print the decision as JSON' },
  ],
  summary: 'explain the routing decision for one task',
  description: 'Explains the decision the router makes for one task, step by step. Nothing is called.',
  async run(line, io) {
    const agent = line.string('agent')!;
    const task = await readJsonObjectArgument('--task', line.string('task')!, io);
    const contextArgument = line.string('context');
    const context = contextArgument === undefined ? {} : await readJsonObjectArgument('--context', contextArgument, io);

    const config = await loadCliConfig(io, line.positionals[0]!, line.string('env'));
    const router = createRouter(config, { logger: {} });
    const agents = router.agentIds();
    if (!agents.includes(agent)) {
      throw new UsageError(`unknown agent "${agent}"${didYouMean(agent, agents)}; the configuration defines ${agents.join(', ')}`);
    }
    let decision;
    try {
      decision = await router.route(agent, task, context);
    } catch (error) {
      if (!NoEligibleModelError.isInstance(error)) throw error;
      // The trace is the answer to "why no model?": show it as a decision's would be.
      const steps = error.trace.filter(isTraceStep);
      const paint = painter(io, 'stderr');
      throw new CommandFailure(error.message, steps.length ? `\n${paint.bold('Trace')}\n${formatTrace(steps, paint)}` : '');
    }
    io.stdout.write(line.flag('json') ? `${JSON.stringify(decision, null, 2)}\n` : formatDecision(decision, painter(io)));
    return EXIT_OK;
  },
};
