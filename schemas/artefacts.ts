// Artefacts derived from the zod schemas and committed under schemas/generated/ for consumers outside
// TypeScript (JSON Schema for producers, Glue columns and Parquet schemas for analysts).
// `npm run generate` rewrites them; a test fails when a committed file drifts from the schemas.
import { z } from 'zod';
import { glueColumns, lakeColumns, fieldColumns } from './columns.ts';
import { eventCatalogue } from './events.ts';
import { entities } from './registry.ts';
import { automationConfigFile } from './rules.ts';

const parquetType = { string: 'BYTE_ARRAY (UTF8)', json: 'BYTE_ARRAY (UTF8, JSON text)', timestamp: 'INT64 (TIMESTAMP)', date: 'INT32 (DATE)', decimal: 'INT64 (DECIMAL(18,2))', bigint: 'INT64', double: 'DOUBLE', boolean: 'BOOLEAN' } as const;

const stable = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Path (relative to schemas/generated) → file content. */
export function derivedArtefacts(): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of Object.values(entities)) {
    const schema = z.toJSONSchema(d.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    files.set(`json-schema/${d.name}.schema.json`, stable({ $id: `https://crm-pipeline/schemas/${d.name}.schema.json`, title: d.label, ...schema }));
    files.set(`glue/${d.table}.columns.json`, stable({ table: d.table, columns: glueColumns(d), partitionKeys: [{ name: 'dt', type: 'string' }] }));
    files.set(
      `parquet/${d.table}.schema.json`,
      stable({ table: d.table, columns: lakeColumns(d).map((c) => ({ name: c.column, type: parquetType[c.kind], optional: true })) }),
    );
  }
  for (const [detailType, e] of Object.entries(eventCatalogue)) {
    files.set(`events/${detailType}.schema.json`, stable({ title: detailType, description: e.description, source: e.source, detail: z.toJSONSchema(e.detail, { io: 'input', unrepresentable: 'any' }) }));
  }
  // Editors check `crm.automation.json` against this (its `$schema` points here).
  files.set(
    'automation-config.schema.json',
    stable({ $id: 'https://crm-pipeline/schemas/automation-config.schema.json', title: 'CRM automation configuration', ...(z.toJSONSchema(automationConfigFile, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) }),
  );
  files.set(
    'catalogue.json',
    stable(
      Object.values(entities).map((d) => ({
        entity: d.name,
        table: d.table,
        fields: fieldColumns(d.schema).map((c) => ({ field: c.field, column: c.column, kind: c.kind, required: c.required, ...(c.pii ? { personal: c.pii } : {}) })),
      })),
    ),
  );
  return files;
}
