// The reads a rule makes, each one request: a record (with the runs that caused its latest version), a
// customer's contracts (renewals), and the round-robin cursor of a team.
import { GetItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { automationKeys, customerCollectionKey, recordKey, TABLE_DESIGN } from '#lib/table/design.ts';

export type Rec = Record<string, unknown>;

export interface StoredRecord {
  data: Rec;
  version: string;
  causation: string[];
}

export class RuleTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async record(table: string, id: string): Promise<StoredRecord | undefined> {
    const res = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(recordKey(table, id)), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const item = unmarshall(res.Item);
    return {
      data: item[TABLE_DESIGN.dataAttribute] as Rec,
      version: String(item[TABLE_DESIGN.versionAttribute]),
      causation: Array.isArray(item[TABLE_DESIGN.causationAttribute]) ? (item[TABLE_DESIGN.causationAttribute] as unknown[]).map(String) : [],
    };
  }

  /** Whether another contract of the customer names this one in `renewalOf`: one Query of the customer's contracts. */
  async isRenewed(customerId: string, contractId: string): Promise<boolean> {
    let start: Record<string, never> | undefined;
    do {
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE_DESIGN.customerIndex.name,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :contracts)',
          ExpressionAttributeNames: { '#pk': TABLE_DESIGN.customerIndex.partitionKey, '#sk': TABLE_DESIGN.customerIndex.sortKey },
          ExpressionAttributeValues: marshall({ ':pk': customerCollectionKey(customerId), ':contracts': 'contracts#' }),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) if ((unmarshall(item)[TABLE_DESIGN.dataAttribute] as Rec)?.renewalOf === contractId) return true;
      start = res.LastEvaluatedKey as typeof start;
    } while (start);
    return false;
  }

  /** Advances the team's round-robin cursor atomically and returns its new value. */
  async nextTurn(team: string): Promise<number> {
    const res = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(automationKeys.roundRobin(team)),
        UpdateExpression: 'ADD #turn :one',
        ExpressionAttributeNames: { '#turn': 'turn' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(res.Attributes?.turn?.N ?? 1);
  }
}
