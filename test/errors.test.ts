// Two copies of the package in one dependency tree (a host and a framework each bringing their
// own) must still recognise each other's errors: every `isInstance` is checked across two module
// instances of the errors module, whose classes are different objects.
import { describe, expect, it } from 'vitest';
import * as callErrorsA from '../src/call-errors.js';
import * as errorsA from '../src/errors.js';

// The same files under other module ids: second, separate instances, as a second install would be.
const secondErrors = '../src/errors.js?second-copy';
const secondCallErrors = '../src/call-errors.js?second-copy';
const copyA = { ...errorsA, ...callErrorsA };
const copyB = { ...((await import(/* @vite-ignore */ secondErrors)) as typeof errorsA), ...((await import(/* @vite-ignore */ secondCallErrors)) as typeof callErrorsA) };

type Factory = (errors: typeof copyA) => errorsA.RouterError;

/** One instance of every error class, each built from the copy it is given. */
const FACTORIES: Record<string, Factory> = {
  RouterError: (e) => new e.RouterError('CONFIG_INVALID', 'base'),
  ConfigError: (e) => new e.ConfigError([{ path: 'models', message: 'bad', severity: 'error', kind: 'invalid_type' }]),
  ConditionSyntaxError: (e) => new e.ConditionSyntaxError('a +', 3, 'Unexpected end'),
  UnknownAgentError: (e) => new e.UnknownAgentError('x', ['a']),
  UnknownModelError: (e) => new e.UnknownModelError('x', ['m']),
  UnknownStrategyError: (e) => new e.UnknownStrategyError('x', ['balanced']),
  InvalidArgumentError: (e) => new e.InvalidArgumentError('request.messages', 'expected an array'),
  NoEligibleModelError: (e) => new e.NoEligibleModelError('a', ['local only'], []),
  BudgetExceededError: (e) => new e.BudgetExceededError('a', 1, 1, 0.5),
  ProviderError: (e) => new e.ProviderError('boom', { provider: 'openai', status: 400, kind: 'bad_request' }),
  AllModelsFailedError: (e) => new e.AllModelsFailedError('a', []),
  RequestRejectedError: (e) => new e.RequestRejectedError('a', 'm', [], new Error('400')),
  RequestAbortedError: (e) => new e.RequestAbortedError(),
  StreamInterruptedError: (e) => new e.StreamInterruptedError('m', 'partial', new Error('cut')),
  ProviderNotConfiguredError: (e) => new e.ProviderNotConfiguredError('m', 'acme'),
};

const CLASSES = Object.keys(FACTORIES) as (keyof typeof FACTORIES & keyof typeof copyA)[];
const guard = (errors: typeof copyA, name: string) => (errors[name as keyof typeof copyA] as { isInstance(value: unknown): boolean }).isInstance;

describe('error type guards across two copies of the package', () => {
  it('the two copies really are different classes (so the test means something)', () => {
    expect(copyB.ProviderError).not.toBe(copyA.ProviderError);
    expect(FACTORIES.ProviderError!(copyA)).not.toBeInstanceOf(copyB.ProviderError);
  });

  it.each(CLASSES)('%s.isInstance recognises its own errors from either copy, and no other class', (name) => {
    for (const [maker, checker] of [
      [copyA, copyB],
      [copyB, copyA],
      [copyA, copyA],
    ] as const) {
      const error = FACTORIES[name]!(maker);
      expect(guard(checker, name)(error)).toBe(true);
      expect(checker.RouterError.isInstance(error)).toBe(true);
      expect(error.name).toBe(name);
      for (const other of CLASSES) {
        if (other === name || other === 'RouterError') continue;
        expect(guard(checker, other)(error)).toBe(false);
      }
    }
  });

  it.each(CLASSES)('%s.isInstance is false for look-alikes and non-errors', (name) => {
    const check = guard(copyB, name);
    const hostile = new Proxy({}, { get() { throw new Error('no'); }, getPrototypeOf() { throw new Error('no'); } });
    for (const value of [undefined, null, 0, 'ProviderError', new Error('plain'), { name, code: 'PROVIDER_ERROR' }, Object.create(null), hostile]) {
      expect(check(value)).toBe(false);
    }
  });

  it('every error has a stable code from the RouterErrorCode union', () => {
    const codes = CLASSES.map((name) => FACTORIES[name]!(copyA).code);
    expect(new Set(codes).size).toBe(codes.length - 1); // RouterError is built with ConfigError's code
    for (const code of codes) expect(code).toMatch(/^[A-Z_]+$/);
  });

  it('cause is passed through', () => {
    const cause = new Error('root');
    expect(new copyA.RequestRejectedError('a', 'm', [], cause).cause).toBe(cause);
    expect(new copyA.ProviderError('x', { provider: 'p', cause }).cause).toBe(cause);
  });
});
