// The `llm-agent-router/simulation` entry: replay a workload through the router on a simulated
// clock and render the report. Kept apart from the main entry, which stays the routing contract.
export { simulateWorkload, simulateWorkloadFile } from './simulation/simulate-workload.js';
export type { SimulationFileOptions, SimulationOptions, SimulationReport, SimulatedModel, StrategyOutcome } from './simulation/simulate-workload.js';
export { parseWorkload, WorkloadError } from './simulation/parse-workload.js';
export type { ParsedWorkload, WorkloadTask } from './simulation/parse-workload.js';
export { renderHtmlReport } from './simulation/html-report.js';
