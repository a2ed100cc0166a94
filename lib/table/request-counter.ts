// Counts the DynamoDB commands a client sends (the benchmark and the tests' "requests per look-up").
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface RequestCounter {
  /** Commands sent since the last reset, by name (`QueryCommand`, ...). */
  readonly byCommand: Map<string, number>;
  total(): number;
  reset(): void;
}

export function countRequests(client: DynamoDBClient): RequestCounter {
  const byCommand = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName ?? 'unknown');
      byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'crmRequestCounter' },
  );
  return { byCommand, total: () => [...byCommand.values()].reduce((a, b) => a + b, 0), reset: () => byCommand.clear() };
}
