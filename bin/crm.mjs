#!/usr/bin/env node
// The `crm` command: runs the TypeScript sources through tsx, so no build step stands between
// `npm install` and `npx crm`.
import { register } from 'tsx/esm/api';

// The SDK's notice about its future Node.js 22 requirement would land on stderr for every command;
// Lambdas run on Node.js 22, and the README states the local requirement.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../local/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
