// Unchanged since the previous detector: the oracle uses the current module.
export * from '../../../../src/privacy/scanners/digit-groups.js';
