// The instrumentation scope spans and metrics are reported under. The version is the package's
// (a test keeps the two equal): no package.json read at run time, so the entry also runs on edge runtimes.

export const INSTRUMENTATION_SCOPE = { name: 'llm-agent-router', version: '0.1.0' } as const;
