// `crm erase CUSTOMER_ID`: right to be forgotten on the local stack. The table first (records, identity
// items, aliases, personal free text; tombstones; an audit item), then the stream is drained so the
// removals reach the lake, then the lake files and the event log lose the hashes that linked back.
import { userInfo } from 'node:os';
import { CustomerNotFoundError, eraseCustomer } from '#functions/erasure/erase-customer.ts';
import { eraseFromLake } from '#functions/erasure/lake-erasure.ts';
import { eraseFromEventLog } from '../erasure.ts';
import { withLocalStack } from '../stack.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

export async function eraseCommand(positionals: string[], options: Options): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id) throw new UsageError('customer ID is required');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  return withLocalStack(String(options.dir), async (stack) => {
    let summary;
    try {
      summary = await eraseCustomer(stack.client, stack.tableName, { customerId: id, requestedBy: `local:${userInfo().username}` });
    } catch (err) {
      if (!(err instanceof CustomerNotFoundError)) throw err;
      process.stderr.write(`crm erase: no customer "${id}"\n`);
      return 1;
    }
    await stack.sync();
    const customerIds = summary.erased.customers ?? [];
    const lake = await eraseFromLake(stack.lake, '', summary.erased, customerIds);
    const events = eraseFromEventLog(stack.dir, summary.erased, customerIds);
    process.stdout.write(`${JSON.stringify({ ...summary, lake, events }, null, 2)}\n`);
    return 0;
  });
}
