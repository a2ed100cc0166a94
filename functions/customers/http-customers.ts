// HTTP customer look-ups: `GET /v1/customers/{id}` and `GET /v1/customers?phone=...|email=...`, answered with the
// 360 profile (lib/profile/customer-profile.ts). 200 profile, 300 several customers match (candidates, none chosen),
// 400 no or two look-up keys or an unusable phone/e-mail, 404 no such customer, 405 any method but GET.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lookupCustomer, type CustomerQuery, type LookupResult } from '#lib/profile/customer-profile.ts';

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/** The look-up a request asks for, or the reason it asks for none. */
export function customerQueryOf(event: APIGatewayProxyEventV2): CustomerQuery | { problem: string } {
  const id = event.pathParameters?.id;
  const params = event.queryStringParameters ?? {};
  const phone = params.phone;
  const email = params.email;
  if (id !== undefined) {
    if (phone !== undefined || email !== undefined) return { problem: 'look a customer up by id or by ?phone= or ?email=, not both' };
    return { id: decodeURIComponent(id) };
  }
  if (phone !== undefined && email !== undefined) return { problem: 'give one of ?phone= and ?email=' };
  if (phone !== undefined) return { phone };
  if (email !== undefined) return { email };
  return { problem: 'GET /v1/customers needs ?phone=... or ?email=... (or use /v1/customers/{id})' };
}

export function responseOf(result: LookupResult): APIGatewayProxyStructuredResultV2 {
  switch (result.status) {
    case 'found':
      return json(200, result.profile);
    case 'ambiguous':
      return json(300, { error: 'MultipleCustomers', message: `${result.message}: none was chosen, ask again by id`, candidates: result.candidates });
    case 'invalid':
      return json(400, { error: 'InvalidLookup', message: result.message });
    case 'not_found':
      return json(404, { error: 'CustomerNotFound', message: result.message });
  }
}

export async function handleCustomerRequest(client: DynamoDBClient, tableName: string, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext?.http?.method;
  if (method !== 'GET') return json(405, { error: 'MethodNotAllowed', message: `${method ?? 'a request without a method'} is not allowed: customers are read with GET` }, { allow: 'GET' });
  const query = customerQueryOf(event);
  if ('problem' in query) return json(400, { error: 'InvalidLookup', message: query.problem });
  return responseOf(await lookupCustomer(client, tableName, query));
}
