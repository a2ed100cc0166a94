// Single-table design, shared by the CDK stack, DynamoDB Local and the handlers.
//   record    pk = `<table>#<id>`                   sk = `RECORD`
//   identity  pk = `IDENTITY#<table>#<field>#<value>` sk = `IDENTITY`  (dedup of people by e-mail/phone)
//   alias     pk = `ALIAS#<table>#<id>`             sk = `ALIAS`     (an id merged into another)
//   tombstone pk = `TOMBSTONE#<table>#<id>`         sk = `TOMBSTONE` (an erased person: no personal data, refuses re-ingest)
//   erasure   pk = `ERASURE#<request id>`           sk = `AUDIT`     (who erased what and when, without personal data)
// A person's record item also holds `mergedIds` (ids merged into it, each with an alias item),
// `identityPks` (identity items pointing at it) and `rev` (optimistic-concurrency counter of merges).
// Records that belong to a customer also carry gsi1pk = `CUSTOMER#<customerId>`, gsi1sk = `<table>#<time>#<id>`,
// so a customer's whole item collection in the `byCustomer` index is one Query (the customer 360 view).
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  customerIndex: { name: 'byCustomer', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  recordSortKey: 'RECORD',
  identitySortKey: 'IDENTITY',
  aliasSortKey: 'ALIAS',
  tombstoneSortKey: 'TOMBSTONE',
  auditSortKey: 'AUDIT',
  /** Attribute holding the validated record as a map. */
  dataAttribute: 'data',
  /** Attribute holding the sortable version `<updatedAt>#<hash>`. */
  versionAttribute: 'version',
} as const;

export const recordKey = (table: string, id: string) => ({ pk: `${table}#${id}`, sk: TABLE_DESIGN.recordSortKey });
export const identityKey = (table: string, field: string, value: string) => ({ pk: `IDENTITY#${table}#${field}#${value}`, sk: TABLE_DESIGN.identitySortKey });
export const aliasKey = (table: string, id: string) => ({ pk: `ALIAS#${table}#${id}`, sk: TABLE_DESIGN.aliasSortKey });
export const customerCollectionKey = (customerId: string) => `CUSTOMER#${customerId}`;
export const tombstoneKey = (table: string, id: string) => ({ pk: `TOMBSTONE#${table}#${id}`, sk: TABLE_DESIGN.tombstoneSortKey });
export const erasureAuditKey = (requestId: string) => ({ pk: `ERASURE#${requestId}`, sk: TABLE_DESIGN.auditSortKey });
