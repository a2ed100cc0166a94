// The two ways an erasure is asked for in AWS, answered by one function:
// - `DELETE /v1/customers/{id}` on the HTTP API (IAM auth; only the operator role may call it: the
//   route grant is on that role alone, and this check refuses any other caller as a second line);
// - a `CustomerErasureRequested` event on the bus (source `crm.privacy`, detail `{customerId, requestedBy}`),
//   e.g. from a consent-management system allowed to PutEvents there.
// Both end in the same steps: the table, then the lake files; a `CustomerErased` event (ids only) follows.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, EventBridgeEvent } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';
import { CustomerNotFoundError, eraseCustomer, type ErasureSummary } from './erase-customer.ts';
import { eraseFromLake, type LakeErasureResult } from './lake-erasure.ts';

export const PRIVACY_EVENT_SOURCE = 'crm.privacy';
export const ERASURE_REQUESTED = 'CustomerErasureRequested';
export const CUSTOMER_ERASED = 'CustomerErased';

export interface ErasureDeps {
  client: DynamoDBClient;
  tableName: string;
  lake: ObjectStore;
  lakePrefix: string;
  bus: EventBus;
  /** ARN of the only role allowed to call the DELETE route. */
  operatorRoleArn: string;
}

export async function runErasure(deps: ErasureDeps, customerId: string, requestedBy: string): Promise<ErasureSummary & { lake: LakeErasureResult }> {
  const summary = await eraseCustomer(deps.client, deps.tableName, { customerId, requestedBy });
  // Idempotent: an erasure asked again (after a timeout half-way) finishes the lake from the tombstone's list.
  const lake = await eraseFromLake(deps.lake, deps.lakePrefix, summary.erased, summary.erased.customers ?? []);
  await deps.bus.publish([{ source: PRIVACY_EVENT_SOURCE, detailType: CUSTOMER_ERASED, detail: { requestId: summary.requestId, customerId: summary.customerId, erased: summary.erased, requestedAt: summary.requestedAt } }]);
  return { ...summary, lake };
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `arn:aws:sts::123:assumed-role/Name/session` is a session of `arn:aws:iam::123:role/[path/]Name`. */
export function isSessionOf(callerArn: string | undefined, roleArn: string): boolean {
  const caller = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn ?? '');
  const role = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return !!caller && !!role && caller[1] === role[1] && caller[2] === role[2] && caller[3] === role[3];
}

export async function handleEraseRequest(deps: ErasureDeps, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (event.requestContext.http.method !== 'DELETE') return json(405, { error: 'MethodNotAllowed', message: 'use DELETE /v1/customers/{id}' });
  const caller = (event.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer?.iam?.userArn;
  if (!isSessionOf(caller, deps.operatorRoleArn)) return json(403, { error: 'Forbidden', message: 'only the operator role may erase customers' });
  const id = event.pathParameters?.id?.trim();
  if (!id) return json(400, { error: 'MissingId', message: 'the path must name the customer: /v1/customers/{id}' });
  try {
    return json(200, await runErasure(deps, id, caller!));
  } catch (err) {
    if (err instanceof CustomerNotFoundError) return json(404, { error: 'CustomerNotFound', message: err.message });
    throw err;
  }
}

export async function handleErasureEvent(deps: ErasureDeps, event: EventBridgeEvent<string, { customerId?: unknown; requestedBy?: unknown }>) {
  const { customerId, requestedBy } = event.detail ?? {};
  if (typeof customerId !== 'string' || !customerId.trim()) throw new Error(`${ERASURE_REQUESTED} ${event.id}: detail.customerId must be a non-empty string`);
  const by = `event:${event.account}:${event.source}${typeof requestedBy === 'string' ? `:${requestedBy}` : ''}`;
  try {
    return await runErasure(deps, customerId.trim(), by);
  } catch (err) {
    // Nothing to erase is an answer, not a failure to retry.
    if (err instanceof CustomerNotFoundError) return { customerId, notFound: true };
    throw err;
  }
}
