// The `llm-agent-router/openai-agents` entry (being written).
export {};
