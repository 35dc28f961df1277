// The `llm-agent-router/ai-sdk` entry (being written).
export {};
