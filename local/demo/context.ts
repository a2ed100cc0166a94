// What every demo generator needs to know: the time window, the random streams and the identities in use.
import { IdentityRegistry } from './identity.ts';
import { Rng } from './random.ts';

export interface DemoContext {
  /** Root stream; modules fork their own so their draws stay independent. */
  rng: Rng;
  /** First instant of the simulated history. */
  start: number;
  /** Nothing happens after this instant. */
  asOf: number;
  identities: IdentityRegistry;
}

export function demoContext(seed: number, start: number, asOf: number): DemoContext {
  const rng = new Rng(seed);
  return { rng, start, asOf, identities: new IdentityRegistry(rng.fork('identities')) };
}

/** Zero-padded sequence numbers for readable ids (`cus-000123`). */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Money is computed in integer cents and written as a decimal with at most two places. */
export const money = (cents: number): number => Math.round(cents) / 100;

/** Code-unit order, independent of the machine's locale (localeCompare is not), so sorting is reproducible. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
