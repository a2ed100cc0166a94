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
//
// Automation index items (lib/table/automation-index.ts), written only by the stream handler from record changes,
// never streamed on (their sk is not RECORD); each carries the `version` of the record change that wrote it. A stream
// batch reduces its writes to one per item and sends them as conditional TransactWriteItems of up to 100:
//   due date      pk = `DUE#<table>#<field>#<YYYY-MM>`     sk = `<date | ISO instant>#<id>`  a day = one Query (begins_with / BETWEEN)
//   anniversary   pk = `ANNIVERSARY#<table>#<field>#<MM>`  sk = `<MM-DD>#<id>`              Feb 28 of a common year reads 02-28..02-29
//   last activity pk = `ACTIVITY#<table>#<id>`             sk = `LAST`   attribute `at`: a conditional max, never lowered;
//                 the same update sets gsi2pk = `DUE#<table>#lastActivityAt#<YYYY-MM>`, gsi2sk = `<at>#<id>`, so the sparse
//                 `byDueDate` index answers "records whose latest activity fell on day D" in one Query, always in step with `at`
//   open load     pk = `OWNER#<ownerId>`                   sk = `OPEN#<table>#<id>`        an owner's open leads and tasks: Query COUNT
//   team member   pk = `TEAM#<team>`                       sk = `USER#<id>`                active, role, capacity, timezone
//
// Customer profile index (functions/stream/profile-index.ts), kept by the stream handler too, so the 360 view reads a
// bounded number of items whatever the history size (ids, amounts and dates only, never personal data):
//   member        pk = `PROFILE#<customerId>`  sk = `MEMBER#<table>#<id>`  a contact, open opportunity, open ticket, active
//                 contract or open task of the customer (put/delete guarded by the record version, like the index above)
//   summary       pk = `PROFILE#<customerId>`  sk = `SUMMARY`  value per currency, first/last order, the latest
//                 PROFILE_RECENT_ITEMS order and activity ids; rewritten with a `rev` condition (optimistic concurrency)
//   order value   pk = `ORDERVALUE#<orderId>`  sk = `VALUE`    what the order's version adds to its customer's value: written
//                 in the same transaction as the summary, so a redelivered or older change never counts twice
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  customerIndex: { name: 'byCustomer', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Sparse: only last-activity items carry its keys (derived reminder dates, see above). */
  dueDateIndex: { name: 'byDueDate', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', attributes: ['table', 'id', 'at'] },
  recordSortKey: 'RECORD',
  identitySortKey: 'IDENTITY',
  aliasSortKey: 'ALIAS',
  tombstoneSortKey: 'TOMBSTONE',
  auditSortKey: 'AUDIT',
  /** Attribute holding the validated record as a map. */
  dataAttribute: 'data',
  /** Attribute holding the sortable version `<updatedAt>#<hash>`. */
  versionAttribute: 'version',
  /** Attribute holding the automation runs that caused a record's latest version (loop protection). */
  causationAttribute: 'causation',
} as const;

export const recordKey = (table: string, id: string) => ({ pk: `${table}#${id}`, sk: TABLE_DESIGN.recordSortKey });
export const identityKey = (table: string, field: string, value: string) => ({ pk: `IDENTITY#${table}#${field}#${value}`, sk: TABLE_DESIGN.identitySortKey });
export const aliasKey = (table: string, id: string) => ({ pk: `ALIAS#${table}#${id}`, sk: TABLE_DESIGN.aliasSortKey });
export const customerCollectionKey = (customerId: string) => `CUSTOMER#${customerId}`;
export const tombstoneKey = (table: string, id: string) => ({ pk: `TOMBSTONE#${table}#${id}`, sk: TABLE_DESIGN.tombstoneSortKey });
export const erasureAuditKey = (requestId: string) => ({ pk: `ERASURE#${requestId}`, sk: TABLE_DESIGN.auditSortKey });

/** Partition key prefixes of the automation index items: the only items the stream handler may write. */
export const INDEX_KEY_PREFIXES = ['DUE#', 'ANNIVERSARY#', 'ACTIVITY#', 'OWNER#', 'TEAM#', 'PROFILE#', 'ORDERVALUE#'] as const;

/** Orders and activities the profile summary keeps (latest first): the profile shows these. */
export const PROFILE_RECENT_ITEMS = 10;

export const profileKeys = {
  partition: (customerId: string) => `PROFILE#${customerId}`,
  summary: (customerId: string): IndexKey => ({ pk: `PROFILE#${customerId}`, sk: 'SUMMARY' }),
  member: (customerId: string, table: string, id: string): IndexKey => ({ pk: `PROFILE#${customerId}`, sk: `MEMBER#${table}#${id}` }),
  orderValue: (orderId: string): IndexKey => ({ pk: `ORDERVALUE#${orderId}`, sk: 'VALUE' }),
};

export interface IndexKey {
  pk: string;
  sk: string;
}

export const indexKeys = {
  /** `value` is a YYYY-MM-DD date or a UTC ISO instant; the partition is its month. */
  due: (table: string, field: string, value: string, id: string): IndexKey => ({ pk: `DUE#${table}#${field}#${value.slice(0, 7)}`, sk: `${value}#${id}` }),
  /** `monthDay` is MM-DD. */
  anniversary: (table: string, field: string, monthDay: string, id: string): IndexKey => ({ pk: `ANNIVERSARY#${table}#${field}#${monthDay.slice(0, 2)}`, sk: `${monthDay}#${id}` }),
  lastActivity: (table: string, id: string): IndexKey => ({ pk: `ACTIVITY#${table}#${id}`, sk: 'LAST' }),
  openItem: (ownerId: string, table: string, id: string): IndexKey => ({ pk: `OWNER#${ownerId}`, sk: `OPEN#${table}#${id}` }),
  teamMember: (team: string, userId: string): IndexKey => ({ pk: `TEAM#${team}`, sk: `USER#${userId}` }),
};

/**
 * Items the rules handler owns (not index items, not records): the idempotency claim of one automation run
 * (rule x triggering change) and the round-robin cursor of a team.
 */
export const automationKeys = {
  runClaim: (runId: string): IndexKey => ({ pk: `RUN#${runId}`, sk: 'CLAIM' }),
  roundRobin: (team: string): IndexKey => ({ pk: `ROUNDROBIN#${team}`, sk: 'CURSOR' }),
};
