// Single-table design, shared by the CDK stack, DynamoDB Local and the handlers.
//   record    pk = `<table>#<id>`                   sk = `RECORD`
//   identity  pk = `IDENTITY#<table>#<field>#<value>` sk = `IDENTITY`  (dedup of people by e-mail/phone)
//   alias     pk = `ALIAS#<table>#<id>`             sk = `ALIAS`     (an id merged into another)
// Records that belong to a customer also carry gsi1pk = `CUSTOMER#<customerId>`, gsi1sk = `<table>#<time>#<id>`,
// so a customer's whole item collection in the `byCustomer` index is one Query (the customer 360 view).
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  customerIndex: { name: 'byCustomer', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  recordSortKey: 'RECORD',
  identitySortKey: 'IDENTITY',
  aliasSortKey: 'ALIAS',
  /** Attribute holding the validated record as a map. */
  dataAttribute: 'data',
  /** Attribute holding the sortable version `<updatedAt>#<hash>`. */
  versionAttribute: 'version',
} as const;

export const recordKey = (table: string, id: string) => ({ pk: `${table}#${id}`, sk: TABLE_DESIGN.recordSortKey });
export const identityKey = (table: string, field: string, value: string) => ({ pk: `IDENTITY#${table}#${field}#${value}`, sk: TABLE_DESIGN.identitySortKey });
export const aliasKey = (table: string, id: string) => ({ pk: `ALIAS#${table}#${id}`, sk: TABLE_DESIGN.aliasSortKey });
export const customerCollectionKey = (customerId: string) => `CUSTOMER#${customerId}`;
