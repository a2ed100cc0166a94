// Idempotency of automation runs: a conditional write claims (rule, triggering change) before any action.
// A finished claim refuses every later delivery of the same change; a failed one (or a running one whose
// lease ran out, i.e. a crashed invocation) may be claimed again, so retries and redrives still work. The
// claim also remembers which actions with effects outside the table (notifications, webhooks, emitted events)
// are done, so a run that is retried or reclaimed does not send them again.
import { ConditionalCheckFailedException, TransactWriteItemsCommand, UpdateItemCommand, type DynamoDBClient, type Update } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
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

/** A run to claim: which rule, on which triggering change. */
export interface RunToClaim {
  runId: string;
  ruleId: string;
  eventId: string;
}

/** TransactWriteItems takes at most 100 items. */
const TRANSACTION_ITEMS = 100;
/** Rounds of acquireMany before it gives up on claims that keep conflicting with other writers. */
const MAX_CLAIM_ROUNDS = 20;
/** Transactions of one round in flight at once. */
const CHUNKS_IN_FLIGHT = 4;

export class RunClaims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** How long a running claim blocks others: longer than a rule may take. @default 5 min */
    private readonly leaseMs = 5 * 60_000,
  ) {}

  /** The conditional update that claims a run: new, failed, or running with an expired lease. */
  private claimUpdate(run: RunToClaim, now: number): Update {
    return {
      TableName: this.tableName,
      Key: marshall(automationKeys.runClaim(run.runId)),
      // An update, not a put: a reclaimed run keeps the steps its earlier holder finished.
      UpdateExpression: 'SET ruleId = :rule, eventId = :event, #state = :running, #lease = :lease, #steps = if_not_exists(#steps, :none)',
      ConditionExpression: 'attribute_not_exists(pk) OR #state = :failed OR (#state = :running AND #lease < :now)',
      ExpressionAttributeNames: { '#state': 'state', '#lease': 'leaseUntil', '#steps': 'steps' },
      ExpressionAttributeValues: marshall({ ':rule': run.ruleId, ':event': run.eventId, ':failed': 'failed', ':running': 'running', ':now': now, ':lease': now + this.leaseMs, ':none': {} }),
    };
  }

  /** The claim when this caller now owns the run; undefined when it is done or running elsewhere. */
  async acquire(runId: string, ruleId: string, eventId: string): Promise<Claim | undefined> {
    try {
      const res = await this.client.send(new UpdateItemCommand({ ...this.claimUpdate({ runId, ruleId, eventId }, Date.now()), ReturnValues: 'ALL_NEW' }));
      const stored = (res.Attributes ? unmarshall(res.Attributes).steps : undefined) as Record<string, StepResult> | undefined;
      return { steps: new Map(Object.entries(stored ?? {}).map(([i, s]) => [Number(i), { label: String(s.label), ids: (s.ids ?? []).map(String) }])) };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }

  /**
   * Claims many runs with the same condition as `acquire`, up to 100 per TransactWriteItems (one round trip and one
   * commit instead of one per run, where a consumer sees thousands of events a second). Whether this caller now
   * owns each run, in input order. A run listed twice is owned once. A transaction cancelled by some claims' conditions
   * wrote nothing: those runs are refused and the others are sent again, so every outcome is the one `acquire` would
   * give. The steps an earlier holder finished are not returned: a caller whose runs have steps reclaims with `acquire`.
   */
  async acquireMany(runs: readonly RunToClaim[]): Promise<boolean[]> {
    const owned = runs.map(() => false);
    let pending = runs.map((_, i) => i);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_CLAIM_ROUNDS) throw new Error(`acquireMany: ${pending.length} claims still undecided after ${round} rounds of transaction conflicts`);
      // One transaction may not touch an item twice: a repeated run waits for a later round, where it is refused.
      const seen = new Set<string>();
      const now: number[] = [];
      const later: number[] = [];
      for (const i of pending) (seen.has(runs[i]!.runId) ? later : now).push(i);
      for (const i of now) seen.add(runs[i]!.runId);
      const retry: number[] = [];
      const chunks: number[][] = [];
      for (let c = 0; c < now.length; c += TRANSACTION_ITEMS) chunks.push(now.slice(c, c + TRANSACTION_ITEMS));
      // The chunks of a round share no run, so they cannot conflict with each other: sent side by side.
      let next = 0;
      const worker = async () => {
        while (next < chunks.length) await claimChunk(chunks[next++]!);
      };
      const claimChunk = async (chunk: number[]) => {
        const at = Date.now();
        try {
          // The token makes the SDK's retry of a transaction whose answer was lost succeed instead of being refused.
          await this.client.send(new TransactWriteItemsCommand({ ClientRequestToken: randomUUID(), TransactItems: chunk.map((i) => ({ Update: this.claimUpdate(runs[i]!, at) })) }));
          for (const i of chunk) owned[i] = true;
        } catch (err) {
          const reasons = (err as { name?: string; CancellationReasons?: { Code?: string }[] }).CancellationReasons;
          if ((err as Error).name !== 'TransactionCanceledException' || reasons?.length !== chunk.length) throw err;
          // Refused by its condition: done or running elsewhere. Anything else (None, a conflict) was not written: again.
          chunk.forEach((i, j) => {
            if (reasons[j]?.Code !== 'ConditionalCheckFailed') retry.push(i);
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, worker));
      pending = [...retry, ...later].sort((a, b) => a - b);
    }
    return owned;
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
