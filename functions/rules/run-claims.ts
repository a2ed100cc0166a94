// Idempotency of automation runs: a conditional write claims (rule, triggering change) before any action.
// A finished claim refuses every later delivery of the same change; a failed one (or a running one whose
// lease ran out, i.e. a crashed invocation) may be claimed again, so retries and redrives still work.
import { ConditionalCheckFailedException, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { automationKeys } from '#lib/table/design.ts';

export type ClaimState = 'running' | 'done' | 'failed';

export class RunClaims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** How long a running claim blocks others: longer than a rule may take. @default 5 min */
    private readonly leaseMs = 5 * 60_000,
  ) {}

  /** True when this caller now owns the run; false when it is done or running elsewhere. */
  async acquire(runId: string, ruleId: string, eventId: string): Promise<boolean> {
    const now = Date.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...automationKeys.runClaim(runId), ruleId, eventId, state: 'running', leaseUntil: now + this.leaseMs }),
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :failed OR (#state = :running AND #lease < :now)',
          ExpressionAttributeNames: { '#state': 'state', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: marshall({ ':failed': 'failed', ':running': 'running', ':now': now }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async finish(runId: string, state: Exclude<ClaimState, 'running'>): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(automationKeys.runClaim(runId)),
        UpdateExpression: 'SET #state = :state',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({ ':state': state }),
      }),
    );
  }
}
