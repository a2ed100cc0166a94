// BatchGetItem over any number of keys: chunks of 100 sent side by side, unprocessed keys retried with backoff.
import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** `pk` and `sk` joined: the map key of batchGetItems' result. */
export const itemKeyString = (k: ItemKey) => `${k.pk}\u0000${k.sk}`;

export async function batchGetItems(client: DynamoDBClient, tableName: string, keys: readonly ItemKey[], consistentRead = false, maxAttempts = 8): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((k) => [itemKeyString(k), k])).values()];
  const chunks: ItemKey[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, AttributeValue>[] = chunk.map((k) => marshall({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt >= maxAttempts) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
        const res = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistentRead } } }));
        for (const raw of res.Responses?.[tableName] ?? []) {
          const item = unmarshall(raw);
          found.set(itemKeyString(item as unknown as ItemKey), item);
        }
        pending = res.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }),
  );
  return found;
}
