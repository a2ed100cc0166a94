// The customer 360 view: one Query on the customer's item collection in the byCustomer index,
// folded into a profile with value, activity and open items.
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { aliasKey, TABLE_DESIGN } from '#lib/table/design.ts';
import { entities, findEntity } from '#schemas/registry.ts';
import { fieldColumns } from '#schemas/columns.ts';
import { queryCustomerCollection } from '#lib/table/customer-collection.ts';

type Rec = Record<string, unknown>;

export interface CustomerProfile {
  customer: Rec;
  value: { orders: number; revenue: number; currency?: string; firstOrderAt?: string; lastOrderAt?: string; averageOrderValue: number };
  openOpportunities: Rec[];
  openTickets: Rec[];
  activeContracts: Rec[];
  recentActivities: Rec[];
  /** Open tasks about the customer (made by people or automations), soonest due first. */
  openTasks: Rec[];
  counts: Record<string, number>;
}

/** A customer id that was merged into another resolves to the survivor. */
export async function resolveCustomerId(client: DynamoDBClient, tableName: string, customerId: string): Promise<string> {
  const res = await client.send(new GetItemCommand({ TableName: tableName, Key: marshall(aliasKey(entities.customer.table, customerId)) }));
  return (res.Item?.targetId?.S as string | undefined) ?? customerId;
}

/**
 * A customer's records: one Query on the survivor's item collection, then one Query per id merged into
 * it (in parallel), because records written before a merge stay indexed under the id they named; their
 * `customerId` is re-pointed here, on read. Bounded: 1 + (number of merged twins) requests.
 */
export async function loadCustomerItems(client: DynamoDBClient, tableName: string, customerId: string): Promise<Map<string, Rec[]>> {
  const byEntity = new Map<string, Rec[]>();
  const own = await queryCustomerCollection(client, tableName, customerId);
  const customerItem = own.find((i) => i.entity === entities.customer.name && i.sk === TABLE_DESIGN.recordSortKey && i.id === customerId);
  const mergedIds = (customerItem?.mergedIds as string[] | undefined) ?? [];
  const merged = new Set(mergedIds);
  const items = [...own, ...(await Promise.all(mergedIds.map((id) => queryCustomerCollection(client, tableName, id)))).flat()];
  for (const item of items) {
    const entity = String(item.entity);
    const data = inSchemaOrder(entity, item[TABLE_DESIGN.dataAttribute] as Rec);
    const field = findEntity(entity)?.customerField;
    if (field && field !== 'id' && merged.has(String(data[field]))) data[field] = customerId;
    const list = byEntity.get(entity) ?? [];
    list.push(data);
    byEntity.set(entity, list);
  }
  return byEntity;
}


/** DynamoDB maps come back in no particular order; show fields in the order the schema declares them. */
function inSchemaOrder(entityName: string, record: Rec): Rec {
  const entity = findEntity(entityName);
  if (!entity) return record;
  return Object.fromEntries(fieldColumns(entity.schema).filter((c) => record[c.field] !== undefined).map((c) => [c.field, record[c.field]]));
}

const byTimeDesc = (field: string) => (a: Rec, b: Rec) => String(b[field] ?? '').localeCompare(String(a[field] ?? ''));

export function buildProfile(items: Map<string, Rec[]>): CustomerProfile | undefined {
  const customer = items.get(entities.customer.name)?.[0];
  if (!customer) return undefined;
  const orders = (items.get('order') ?? []).filter((o) => o.status !== 'cancelled');
  const revenue = Math.round(orders.reduce((n, o) => n + Number(o.total ?? 0), 0) * 100) / 100;
  const orderTimes = orders.map((o) => String(o.orderedAt)).sort();
  return {
    customer,
    value: {
      orders: orders.length,
      revenue,
      ...(orders[0]?.currency ? { currency: String(orders[0].currency) } : {}),
      ...(orderTimes.length ? { firstOrderAt: orderTimes[0], lastOrderAt: orderTimes[orderTimes.length - 1] } : {}),
      averageOrderValue: orders.length ? Math.round((revenue / orders.length) * 100) / 100 : 0,
    },
    openOpportunities: (items.get('opportunity') ?? []).filter((o) => !String(o.stage).startsWith('closed_')).sort(byTimeDesc('expectedCloseDate')),
    openTickets: (items.get('ticket') ?? []).filter((t) => t.status === 'open' || t.status === 'pending').sort(byTimeDesc('openedAt')),
    activeContracts: (items.get('contract') ?? []).filter((c) => c.status === 'active').sort(byTimeDesc('endDate')),
    recentActivities: (items.get('activity') ?? []).sort(byTimeDesc('occurredAt')).slice(0, 10),
    openTasks: (items.get('task') ?? []).filter((t) => t.status === 'open').sort((a, b) => String(a.dueAt ?? '').localeCompare(String(b.dueAt ?? ''))),
    counts: Object.fromEntries([...items.entries()].map(([k, v]) => [k, v.length])),
  };
}
