// Creates the single table in DynamoDB Local with the same keys, index and stream as the CDK stack.
import {
  CreateTableCommand,
  UpdateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DESIGN } from '#lib/table/design.ts';

export const LOCAL_TABLE_NAME = 'crm';

/** Creates the table if it is absent and resolves once it (and its index) is ACTIVE. Safe to call on every run. */
export async function ensureTable(client: DynamoDBClient, tableName: string = LOCAL_TABLE_NAME, timeoutMs = 30_000): Promise<TableDescription> {
  const existing = await describe(client, tableName);
  if (!existing) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (err) {
      // Another process created it between our describe and create: fine, wait for it like ours.
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  let table = await waitUntilActive(client, tableName, timeoutMs);
  // Local state from before the due-date index: add the index (DynamoDB backfills it from existing items).
  const { customerIndex, dueDateIndex } = TABLE_DESIGN;
  if (!table.GlobalSecondaryIndexes?.some((i) => i.IndexName === dueDateIndex.name)) {
    const create = createTableInput(tableName);
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: create.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: create.GlobalSecondaryIndexes.find((i) => i.IndexName === dueDateIndex.name)! }],
      }),
    );
    table = await waitUntilActive(client, tableName, timeoutMs);
  }
  // A table left by an older version without the stream or index would fail later in obscure ways.
  const drift = [
    table.StreamSpecification?.StreamEnabled && table.StreamSpecification.StreamViewType === 'NEW_AND_OLD_IMAGES' ? undefined : 'stream NEW_AND_OLD_IMAGES',
    table.GlobalSecondaryIndexes?.some((i) => i.IndexName === customerIndex.name) ? undefined : `index ${customerIndex.name}`,
  ].filter(Boolean);
  if (drift.length) throw new Error(`table ${tableName} exists but lacks ${drift.join(' and ')}; delete the local state (the dynamodb folder) to recreate it`);
  return table;
}

export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, customerIndex, dueDateIndex } = TABLE_DESIGN;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, customerIndex.partitionKey, customerIndex.sortKey, dueDateIndex.partitionKey, dueDateIndex.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: customerIndex.name,
        KeySchema: [
          { AttributeName: customerIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: customerIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: dueDateIndex.name,
        KeySchema: [
          { AttributeName: dueDateIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: dueDateIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...dueDateIndex.attributes] },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  } satisfies ConstructorParameters<typeof CreateTableCommand>[0];
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describe(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline) throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms (status ${table?.TableStatus ?? 'absent'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
