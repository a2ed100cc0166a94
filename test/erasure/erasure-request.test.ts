// Who may erase: only sessions of the operator role, only with DELETE; events need a customer id.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleErasureEvent, handleEraseRequest, isSessionOf, type ErasureDeps } from '#functions/erasure/erasure-request.ts';

const OPERATOR = 'arn:aws:iam::123456789012:role/ops/CrmStack-ErasureOperatorRole-ABC';
// Any use of the table, lake or bus would throw: refused requests must not reach them.
const untouchable = new Proxy({}, { get: () => { throw new Error('dependency used'); } });
const deps = { client: untouchable, tableName: 't', lake: untouchable, lakePrefix: 'lake/', bus: untouchable, operatorRoleArn: OPERATOR } as unknown as ErasureDeps;

const request = (method: string, userArn: string | undefined, id = 'c-1') =>
  ({
    routeKey: 'DELETE /v1/customers/{id}',
    pathParameters: { id },
    requestContext: { http: { method }, ...(userArn ? { authorizer: { iam: { userArn } } } : {}) },
  }) as unknown as APIGatewayProxyEventV2;

describe('erasure requests', () => {
  it('recognises a session of the operator role, and nothing else', () => {
    expect(isSessionOf('arn:aws:sts::123456789012:assumed-role/CrmStack-ErasureOperatorRole-ABC/alice', OPERATOR)).toBe(true);
    expect(isSessionOf('arn:aws:sts::999999999999:assumed-role/CrmStack-ErasureOperatorRole-ABC/alice', OPERATOR)).toBe(false);
    expect(isSessionOf('arn:aws:sts::123456789012:assumed-role/CrmStack-Connector/alice', OPERATOR)).toBe(false);
    expect(isSessionOf('arn:aws:iam::123456789012:user/alice', OPERATOR)).toBe(false);
    expect(isSessionOf(undefined, OPERATOR)).toBe(false);
  });

  it('refuses other methods and other callers before touching any data', async () => {
    expect((await handleEraseRequest(deps, request('GET', 'arn:aws:sts::123456789012:assumed-role/CrmStack-ErasureOperatorRole-ABC/a'))).statusCode).toBe(405);
    const forbidden = await handleEraseRequest(deps, request('DELETE', 'arn:aws:sts::123456789012:assumed-role/CrmStack-Connector/a'));
    expect(forbidden.statusCode).toBe(403);
    expect(JSON.parse(String(forbidden.body))).toEqual({ error: 'Forbidden', message: 'only the operator role may erase customers' });
    expect((await handleEraseRequest(deps, request('DELETE', 'arn:aws:sts::123456789012:assumed-role/CrmStack-ErasureOperatorRole-ABC/a', ' '))).statusCode).toBe(400);
  });

  it('rejects an erasure event without a customer id, naming the field', async () => {
    const event = { id: 'e-1', account: '123456789012', source: 'crm.privacy', 'detail-type': 'CustomerErasureRequested', detail: {} };
    await expect(handleErasureEvent(deps, event as never)).rejects.toThrow(/e-1: detail.customerId must be a non-empty string/);
  });
});
