// What PII detection finds and the interface a detector implements: the built-in regex detector,
// the allow-list wrapper, and a host's own detector all speak it.

export type PiiKind = 'email' | 'phone' | 'credit_card' | 'us_ssn' | 'iban' | 'api_key';

export interface PiiFinding {
  kind: PiiKind;
  /** UTF-16 offset of the finding in the scanned text. */
  index: number;
  /** Length in UTF-16 code units: `text.slice(index, index + length)` is the finding. */
  length: number;
}

/** Pluggable: the host may supply its own (e.g. a Presidio client wrapped synchronously, or a stricter regex set). */
export interface PiiDetector {
  detect(text: string): PiiFinding[];
  /** fast path, may stop at the first finding */
  containsPii?(text: string): boolean;
}
