// Starts the bulk-import state machine for one S3 "Object Created" event. The execution is named after the object
// version (bucket, key, version id, and the event's sequencer, which S3 sets per write): Step Functions refuses a
// second execution of a name for 90 days, so a redelivered event cannot import the same version twice, while a new
// upload of the same key (a new sequencer) is a new import.
import { createHash } from 'node:crypto';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { importTarget } from '../s3-import.ts';
import type { BulkImportInput } from './bulk-contract.ts';

/** The `detail` of an S3 "Object Created" event delivered by EventBridge (only what the import needs). */
export interface ObjectCreatedDetail {
  bucket: { name: string };
  object: { key: string; size: number; etag: string; 'version-id'?: string; sequencer?: string };
}

export type StartOutcome = { status: 'started' | 'duplicate'; executionName: string; executionArn?: string } | { status: 'skipped'; reason: string };

/** `import-` and 64 hex digits: within the 80 characters and the alphabet execution names allow. */
export function executionNameOf(detail: ObjectCreatedDetail): string {
  const { bucket, object } = detail;
  const identity = [bucket.name, object.key, object['version-id'] ?? '', object.sequencer ?? object.etag].join('\n');
  return `import-${createHash('sha256').update(identity).digest('hex')}`;
}

export async function startImport(sfn: SFNClient, stateMachineArn: string, detail: ObjectCreatedDetail): Promise<StartOutcome> {
  const { key } = detail.object;
  // The import's own errors file lands under imports/ too.
  if (!importTarget(key)) return { status: 'skipped', reason: `${key} is not an import file` };
  const input: BulkImportInput = {
    bucket: detail.bucket.name,
    key,
    size: detail.object.size,
    etag: detail.object.etag,
    ...(detail.object['version-id'] ? { versionId: detail.object['version-id'] } : {}),
  };
  const executionName = executionNameOf(detail);
  try {
    // Same name and same input while the first execution runs: Step Functions answers with that execution.
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    return { status: 'started', executionName, ...(started.executionArn ? { executionArn: started.executionArn } : {}) };
  } catch (err) {
    if ((err as { name?: string }).name === 'ExecutionAlreadyExists') return { status: 'duplicate', executionName };
    throw err;
  }
}
