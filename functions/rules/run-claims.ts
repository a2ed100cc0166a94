// Idempotency of automation runs: a conditional write claims (rule, triggering change) before any action.
// A finished claim refuses every later delivery of the same change; a failed one (or a running one whose
// lease ran out, i.e. a crashed invocation) may be claimed again, so retries and redrives still work. The
// claim also remembers which actions with effects outside the table (notifications, webhooks, emitted events)
// are done, so a run that is retried or reclaimed does not send them again.
import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { automationKeys } from '#lib/table/design.ts';

export type ClaimState = 'running' | 'done' | 'failed';

/** What a finished action of a run produced: its label and the `table/id` of records it created or changed. */
export interface StepResult {
  label: string;
  ids: string[];
}

/** A claim this caller now owns, with the actions an earlier holder of it finished (by action index). */
export interface Claim {
  steps: Map<number, StepResult>;
}

export class RunClaims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** How long a running claim blocks others: longer than a rule may take. @default 5 min */
    private readonly leaseMs = 5 * 60_000,
  ) {}

  /** The claim when this caller now owns the run; undefined when it is done or running elsewhere. */
  async acquire(runId: string, ruleId: string, eventId: string): Promise<Claim | undefined> {
    const now = Date.now();
    try {
      // An update, not a put: a reclaimed run keeps the steps its earlier holder finished.
      const res = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(automationKeys.runClaim(runId)),
          UpdateExpression: 'SET ruleId = :rule, eventId = :event, #state = :running, #lease = :lease, #steps = if_not_exists(#steps, :none)',
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :failed OR (#state = :running AND #lease < :now)',
          ExpressionAttributeNames: { '#state': 'state', '#lease': 'leaseUntil', '#steps': 'steps' },
          ExpressionAttributeValues: marshall({ ':rule': ruleId, ':event': eventId, ':failed': 'failed', ':running': 'running', ':now': now, ':lease': now + this.leaseMs, ':none': {} }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      const stored = (res.Attributes ? unmarshall(res.Attributes).steps : undefined) as Record<string, StepResult> | undefined;
      return { steps: new Map(Object.entries(stored ?? {}).map(([i, s]) => [Number(i), { label: String(s.label), ids: (s.ids ?? []).map(String) }])) };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }

  /** Records that action `index` of the run is done (before the next action starts). */
  async completeStep(runId: string, index: number, step: StepResult): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(automationKeys.runClaim(runId)),
        UpdateExpression: 'SET #steps.#index = :step',
        ExpressionAttributeNames: { '#steps': 'steps', '#index': String(index) },
        ExpressionAttributeValues: marshall({ ':step': step }),
      }),
    );
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
