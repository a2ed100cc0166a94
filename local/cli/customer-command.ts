// `crm customer ID`: the customer 360 profile from the table (one index query).
import { buildProfile, loadCustomerItems, resolveCustomerId } from '#functions/ingest/customer-profile.ts';
import { withLocalStack } from '../stack.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

export async function customerCommand(positionals: string[], options: Options): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id) throw new UsageError('customer ID is required');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (options.stage !== undefined) {
    const { resolveDeployedStack } = await import('../stage/deployed-stack.ts');
    const { customerFromStage, signedApi } = await import('../stage/stage-commands.ts');
    const profile = await customerFromStage(signedApi(await resolveDeployedStack(String(options.stage))), id);
    if (profile === undefined) {
      process.stderr.write(`crm customer: no customer "${id}"\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    return 0;
  }
  return withLocalStack(String(options.dir), async (stack) => {
    const t = performance.now();
    const profile = buildProfile(await loadCustomerItems(stack.client, stack.tableName, await resolveCustomerId(stack.client, stack.tableName, id)));
    process.stderr.write(`profile read in ${Math.round(performance.now() - t)} ms\n`);
    if (!profile) {
      process.stderr.write(`crm customer: no customer "${id}"\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    return 0;
  });
}
