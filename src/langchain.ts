// The `llm-agent-router/langchain` entry (being written).
export {};
