// What a deployed Lambda bundle can send to AWS, as IAM actions. The bundle is the handler's import graph after
// esbuild's tree shaking, with the AWS SDK left external: every SDK command it can construct appears as a named
// import from an `@aws-sdk/*` package that the code then calls with `new`. An explicit table maps each command to
// the IAM actions it needs (with the KMS action the stack's customer-managed keys add); a command missing from the
// table fails the test until someone adds it here, with its actions.

/** IAM actions per SDK command. KMS: every table, bucket, secret and topic in the stack uses a customer-managed key. */
export const SDK_COMMAND_ACTIONS: Record<string, Record<string, readonly string[]>> = {
  // DynamoDB decrypts the table key on the caller's behalf for reads and writes (kms:Decrypt only).
  '@aws-sdk/client-dynamodb': {
    GetItemCommand: ['dynamodb:GetItem', 'kms:Decrypt'],
    BatchGetItemCommand: ['dynamodb:BatchGetItem', 'kms:Decrypt'],
    QueryCommand: ['dynamodb:Query', 'kms:Decrypt'],
    ScanCommand: ['dynamodb:Scan', 'kms:Decrypt'],
    PutItemCommand: ['dynamodb:PutItem', 'kms:Decrypt'],
    UpdateItemCommand: ['dynamodb:UpdateItem', 'kms:Decrypt'],
    DeleteItemCommand: ['dynamodb:DeleteItem', 'kms:Decrypt'],
    BatchWriteItemCommand: ['dynamodb:BatchWriteItem', 'kms:Decrypt'],
    TransactGetItemsCommand: ['dynamodb:GetItem', 'kms:Decrypt'],
    // There is no TransactWriteItems action: IAM authorises each item as its own action (TRANSACT_ITEM_ACTIONS).
    TransactWriteItemsCommand: ['kms:Decrypt'],
  },
  '@aws-sdk/lib-dynamodb': {
    GetCommand: ['dynamodb:GetItem', 'kms:Decrypt'],
    BatchGetCommand: ['dynamodb:BatchGetItem', 'kms:Decrypt'],
    QueryCommand: ['dynamodb:Query', 'kms:Decrypt'],
    ScanCommand: ['dynamodb:Scan', 'kms:Decrypt'],
    PutCommand: ['dynamodb:PutItem', 'kms:Decrypt'],
    UpdateCommand: ['dynamodb:UpdateItem', 'kms:Decrypt'],
    DeleteCommand: ['dynamodb:DeleteItem', 'kms:Decrypt'],
    BatchWriteCommand: ['dynamodb:BatchWriteItem', 'kms:Decrypt'],
    TransactGetCommand: ['dynamodb:GetItem', 'kms:Decrypt'],
    TransactWriteCommand: ['kms:Decrypt'],
  },
  // SSE-KMS with bucket keys: a (single-part) put needs GenerateDataKey, a get Decrypt.
  '@aws-sdk/client-s3': {
    GetObjectCommand: ['s3:GetObject', 'kms:Decrypt'],
    HeadObjectCommand: ['s3:GetObject', 'kms:Decrypt'],
    PutObjectCommand: ['s3:PutObject', 'kms:GenerateDataKey'],
    ListObjectsV2Command: ['s3:ListBucket'],
    DeleteObjectCommand: ['s3:DeleteObject'],
  },
  '@aws-sdk/client-eventbridge': { PutEventsCommand: ['events:PutEvents'] },
  '@aws-sdk/client-sfn': { StartExecutionCommand: ['states:StartExecution'] },
  '@aws-sdk/client-secrets-manager': { GetSecretValueCommand: ['secretsmanager:GetSecretValue', 'kms:Decrypt'] },
  // A publisher to an SSE-KMS topic needs GenerateDataKey and Decrypt on the topic's key.
  '@aws-sdk/client-sns': { PublishCommand: ['sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt'] },
  // SESv2 SendEmail with Simple or Template content (Raw content would need ses:SendRawEmail too).
  '@aws-sdk/client-sesv2': { SendEmailCommand: ['ses:SendEmail'] },
  '@aws-sdk/client-athena': {
    StartQueryExecutionCommand: ['athena:StartQueryExecution'],
    GetQueryExecutionCommand: ['athena:GetQueryExecution'],
    GetQueryResultsCommand: ['athena:GetQueryResults'],
    StopQueryExecutionCommand: ['athena:StopQueryExecution'],
  },
};

/** What Athena does on behalf of the caller of StartQueryExecution (Glue catalog, lake reads, results writes). */
export const ATHENA_CALLER_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetPartitions',
  's3:GetBucketLocation',
  's3:ListBucket',
  's3:GetObject',
  's3:PutObject',
  's3:AbortMultipartUpload',
  'kms:Decrypt',
  'kms:GenerateDataKey',
] as const;

/** TransactWriteItems entries by their key in a TransactWriteItem, as IAM authorises them. */
export const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

export interface SdkCall {
  module: string;
  command: string;
}

const escape = (s: string) => s.replace(/[$]/g, '\\$');

/**
 * The SDK commands a bundle constructs: named imports from `@aws-sdk/*` (esbuild keeps unused import specifiers
 * of external modules, so a command counts only when the bundle calls `new <local name>(`). Namespace imports,
 * dynamic imports and `require` of the SDK cannot be analysed and are rejected.
 */
export function sdkCallsOf(bundle: string): SdkCall[] {
  const opaque = bundle.match(/import\s*\*\s*as\s*[\w$]+\s*from\s*["']@aws-sdk\/|import\(\s*["']@aws-sdk\/|require\(\s*["']@aws-sdk\//);
  if (opaque) throw new Error(`the bundle reaches the AWS SDK through "${opaque[0]}", which this analysis cannot follow: import commands by name`);
  const calls = new Map<string, SdkCall>();
  for (const m of bundle.matchAll(/import\s*\{([^}]*)\}\s*from\s*["'](@aws-sdk\/[^"']+)["']/g)) {
    const module = m[2]!;
    for (const specifier of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [imported, local = imported] = specifier.split(/\s+as\s+/) as [string, string?];
      if (/^paginate|^waitUntil/.test(imported)) throw new Error(`${module}.${imported}: paginators and waiters send commands this analysis cannot see: loop over the command instead`);
      if (!imported.endsWith('Command')) continue;
      if (new RegExp(`\\bnew\\s+${escape(local!)}\\s*\\(`).test(bundle)) calls.set(`${module}.${imported}`, { module, command: imported });
    }
  }
  return [...calls.values()].sort((a, b) => `${a.module}.${a.command}`.localeCompare(`${b.module}.${b.command}`));
}

/** The IAM actions a bundle's SDK calls need; throws on a command missing from SDK_COMMAND_ACTIONS. */
export function actionsOfBundle(bundle: string): Set<string> {
  const actions = new Set<string>();
  const calls = sdkCallsOf(bundle);
  for (const { module, command } of calls) {
    const mapped = SDK_COMMAND_ACTIONS[module]?.[command];
    if (!mapped) throw new Error(`${module}.${command} is not in SDK_COMMAND_ACTIONS (test/infra/sdk-iam-actions.ts): add it with the IAM actions it needs`);
    for (const a of mapped) actions.add(a);
  }
  // Athena runs a query with the caller's credentials (https://docs.aws.amazon.com/athena/latest/ug/
  // fine-grained-access-to-glue-resources.html, .../ug/security-iam-athena.html): Glue reads of the tables, the
  // lake files, the results written (multipart) to the workgroup's SSE-KMS location; a CTAS also creates its table
  // and writes its external location, a DROP TABLE deletes it. The statements are in the bundle as text.
  if (calls.some((c) => c.command === 'StartQueryExecutionCommand')) {
    for (const a of ATHENA_CALLER_ACTIONS) actions.add(a);
    if (/CREATE TABLE [^;]*external_location/.test(bundle)) actions.add('glue:CreateTable');
    if (/DROP TABLE/.test(bundle)) actions.add('glue:DeleteTable');
  }
  // Transaction entries (`{Put:...}`, `{Delete:...}`) survive minification as object keys.
  if (calls.some((c) => /^Transact(Write|WriteItems)Command$/.test(c.command))) {
    for (const m of bundle.matchAll(/[{,]\s*(Put|Update|Delete|ConditionCheck)\s*:/g)) actions.add(TRANSACT_ITEM_ACTIONS[m[1]!]!);
  }
  return actions;
}
