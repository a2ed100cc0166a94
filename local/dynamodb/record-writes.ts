// Tells the local stack whether a stream drain can find anything: every write sent through the table client is
// inspected, and one that may touch a record item (sk = RECORD, the items the stream filter passes) marks the
// stream as having news. Index, identity, alias and claim items alone do not, so the confirming drain that
// ends each settle round after rule runs that wrote no record (and the stream handler's own index writes) is
// skipped; what those writes leave on the stream is filtered out anyway and only moves the checkpoint at the
// next drain. (Rule runs write automation_runs records, so a day with runs still drains once.)
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DESIGN } from '#lib/table/design.ts';

type Item = Record<string, AttributeValue> | undefined;
const touchesRecord = (item: Item) => item?.[TABLE_DESIGN.sortKey]?.S === undefined || item[TABLE_DESIGN.sortKey]!.S === TABLE_DESIGN.recordSortKey;

interface WriteInput {
  Item?: Item;
  Key?: Item;
  TransactItems?: { Put?: { Item?: Item }; Update?: { Key?: Item }; Delete?: { Key?: Item }; ConditionCheck?: unknown }[];
  RequestItems?: Record<string, { PutRequest?: { Item?: Item }; DeleteRequest?: { Key?: Item } }[]>;
}

/** Whether a command may change a record item. Reads never do; writes the filter cannot see into always may. */
export function mayChangeRecord(commandName: string, input: WriteInput): boolean {
  switch (commandName) {
    case 'PutItemCommand':
      return touchesRecord(input.Item);
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return touchesRecord(input.Key);
    case 'TransactWriteItemsCommand':
      return (input.TransactItems ?? []).some((t) => (t.Put ? touchesRecord(t.Put.Item) : t.Update ? touchesRecord(t.Update.Key) : t.Delete ? touchesRecord(t.Delete.Key) : false));
    case 'BatchWriteItemCommand':
      return Object.values(input.RequestItems ?? {}).some((rs) => rs.some((r) => touchesRecord(r.PutRequest?.Item ?? r.DeleteRequest?.Key)));
    case 'GetItemCommand':
    case 'BatchGetItemCommand':
    case 'QueryCommand':
    case 'ScanCommand':
    case 'TransactGetItemsCommand':
    case 'DescribeTableCommand':
    case 'ListTablesCommand':
      return false;
    default:
      // ExecuteStatement, table changes, anything new: assume it may.
      return true;
  }
}

export interface RecordWriteWatch {
  /** True when a record may have changed since the last call (and on the first call). */
  take(): boolean;
  /** Marks a change (e.g. a drain that failed must run again). */
  mark(): void;
}

/** Watches the client's writes (a middleware on its stack; marked when sent and when answered, failed or not). */
export function watchRecordWrites(client: DynamoDBClient): RecordWriteWatch & { watch(other: DynamoDBClient): void } {
  let changed = true;
  const watch = (c: DynamoDBClient) =>
    c.middlewareStack.add(
      (next, context) => async (args) => {
        const may = mayChangeRecord(context.commandName ?? '', args.input as WriteInput);
        if (may) changed = true;
        try {
          return await next(args);
        } finally {
          // Again when it is answered: a write still in flight when a drain took the flag lands after that drain.
          if (may) changed = true;
        }
      },
      { step: 'initialize', name: 'crmRecordWriteWatch' },
    );
  watch(client);
  return {
    take() {
      const was = changed;
      changed = false;
      return was;
    },
    mark() {
      changed = true;
    },
    /** Another client that writes to the same table (a fault-injecting one in the soak) is watched too. */
    watch,
  };
}
