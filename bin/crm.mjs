#!/usr/bin/env node
// The `crm` command: runs the TypeScript sources through tsx, so no build step stands between
// `npm install` and `npx crm`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../local/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
