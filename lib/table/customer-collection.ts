// A customer's item collection in the `byCustomer` index (lib/table/design.ts), every page of it: the
// customer 360 view and erasure both read it.
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { customerCollectionKey, TABLE_DESIGN } from './design.ts';

export async function queryCustomerCollection(client: DynamoDBClient, tableName: string, customerId: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const res = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: TABLE_DESIGN.customerIndex.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_DESIGN.customerIndex.partitionKey },
        ExpressionAttributeValues: { ':pk': { S: customerCollectionKey(customerId) } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of res.Items ?? []) out.push(unmarshall(item));
    start = res.LastEvaluatedKey as typeof start;
  } while (start);
  return out;
}
