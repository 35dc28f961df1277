// The `llm-agent-router/test` entry: the scriptable mock provider for users' own tests.

export {
  createMockProvider,
  estimateTokens,
  MockProvider,
  type MockCall,
  type MockHttpError,
  type MockProviderOptions,
  type MockReply,
  type MockResponder,
  type MockResponses,
} from './providers/mock.js';
