// Runs the `crm` CLI in-process and captures what it prints, as a user of the command line sees it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '#local/cli/main.ts';

export async function crm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: () => any }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

export const tempDir = (prefix = 'crm-it-') => mkdtempSync(join(tmpdir(), prefix));

export function writeLines(dir: string, name: string, lines: (object | string)[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

export async function scalar(dir: string, sql: string): Promise<unknown> {
  const r = await crm('query', sql, '--dir', dir, '--format', 'json');
  if (r.code !== 0) throw new Error(`query failed: ${r.stderr}`);
  const rows = r.json() as Record<string, unknown>[];
  return Object.values(rows[0] ?? {})[0];
}
