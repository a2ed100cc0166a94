// `crm customer ID | --phone P | --email E`: the customer 360 profile from the table, in a bounded number of requests
// (lib/profile/customer-profile.ts). Exit codes: 0 found, 3 no such customer (message on stderr, nothing on stdout),
// 4 several customers match (their ids on stdout as {candidates}, none chosen), 1 usage or system error.
import { lookupCustomer, type CustomerQuery, type LookupResult } from '#lib/profile/customer-profile.ts';
import { withLocalStack } from '../stack.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

export const CUSTOMER_NOT_FOUND_EXIT = 3;
export const CUSTOMER_AMBIGUOUS_EXIT = 4;

/** The look-up the arguments ask for: exactly one of an id, --phone and --email. */
export function customerQuery(positionals: string[], options: Options): CustomerQuery {
  const [id, ...extra] = positionals;
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const given = [id !== undefined, typeof options.phone === 'string', typeof options.email === 'string'].filter(Boolean).length;
  if (given !== 1) throw new UsageError(given === 0 ? 'customer ID, --phone P or --email E is required' : 'give one of customer ID, --phone P and --email E');
  if (typeof options.phone === 'string') return { phone: options.phone };
  if (typeof options.email === 'string') return { email: options.email };
  return { id: id! };
}

export async function customerCommand(positionals: string[], options: Options): Promise<number> {
  const query = customerQuery(positionals, options);
  if (options.stage !== undefined) return customerFromDeployedStage(String(options.stage), query);
  // Nothing to write and no rules to run: the stream is drained (so the profile is current) but not settled.
  return withLocalStack(String(options.dir), async (stack) => {
    await stack.sync();
    const t = performance.now();
    const result = await lookupCustomer(stack.client, stack.tableName, query);
    process.stderr.write(`profile read in ${Math.round((performance.now() - t) * 10) / 10} ms\n`);
    return printLookup(result);
  });
}

/** `--stage S`: the same look-up through the deployed HTTP API (SigV4), with the same exit codes and output. */
async function customerFromDeployedStage(stage: string, query: CustomerQuery): Promise<number> {
  const { resolveDeployedStack } = await import('../stage/deployed-stack.ts');
  const { customerLookupFromStage, signedApi } = await import('../stage/stage-commands.ts');
  const result = await customerLookupFromStage(signedApi(await resolveDeployedStack(stage)), query);
  return printLookup(result);
}

/** One answer for both look-ups (local table or deployed API): profile, candidates or a message, and the exit code. */
function printLookup(result: LookupResult): number {
  switch (result.status) {
    case 'found':
      process.stdout.write(`${JSON.stringify(result.profile, null, 2)}\n`);
      return 0;
    case 'ambiguous':
      process.stderr.write(`crm customer: ${result.message}; none was chosen: ask again by id\n`);
      process.stdout.write(`${JSON.stringify({ candidates: result.candidates }, null, 2)}\n`);
      return CUSTOMER_AMBIGUOUS_EXIT;
    case 'invalid':
      throw new UsageError(result.message);
    case 'not_found':
      process.stderr.write(`crm customer: ${result.message}\n`);
      return CUSTOMER_NOT_FOUND_EXIT;
  }
}
