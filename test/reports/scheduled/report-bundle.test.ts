// The report functions as Lambda runs them: bundled by esbuild with the house options (SQL through the text
// loader, ECharts through a text import), imported from the bundle and invoked, with nothing read from disk.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { reports } from '#functions/reports/catalog.ts';
import { readReportSql } from '#functions/reports/report-sql.ts';
import { prepareReportRun } from '#functions/reports/scheduled/report-run.ts';

const root = path.resolve(import.meta.dirname, '../../..');
// Inside the project so the bundle's external @aws-sdk imports resolve from node_modules, as the runtime provides them.
await mkdir(path.join(root, 'node_modules/.cache'), { recursive: true });
const outDir = await mkdtemp(path.join(root, 'node_modules/.cache/crm-report-bundle-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

async function bundle(entry: string, name: string): Promise<string> {
  const outfile = path.join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
    external: ['@aws-sdk/*', '@duckdb/*'],
    loader: { '.sql': 'text' },
    logLevel: 'error',
  });
  return outfile;
}

describe('report function bundles', () => {
  it('the prepare handler returns every report’s statements from the SQL inside its bundle', async () => {
    const file = await bundle('functions/reports/scheduled/prepare-handler.ts', 'prepare');
    const { handler } = (await import(pathToFileURL(file).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
    for (const definition of reports) {
      const fromBundle = await handler({ report: definition.name, asOf: '2026-10-31' }, { functionName: 'prepare', awsRequestId: 'r-1' });
      expect(fromBundle).toEqual(await prepareReportRun({ report: definition.name, asOf: '2026-10-31' }, readReportSql));
    }
  }, 120_000);

  it("the finish handler bundle carries ECharts and every report's SQL as text", async () => {
    const file = await bundle('functions/reports/scheduled/finish-handler.ts', 'finish');
    const code = await readFile(file, 'utf8');
    const echarts = await readFile(path.join(root, 'node_modules/echarts/dist/echarts.min.js'), 'utf8');
    // Pieces of the library's code (runs free of quotes and escapes, so esbuild writes them unchanged) inside the bundle.
    const pieces = [0.25, 0.5, 0.75].map((at) => echarts.slice(Math.floor(echarts.length * at)).match(/[A-Za-z0-9_.,(){}=+;:!&|<>?-]{60}/)![0]);
    for (const piece of pieces) expect(code.includes(piece), piece).toBe(true);
  }, 120_000);

  it('a dashboard rendered from a bundle outside the project gets ECharts from the bundle, not from node_modules', async () => {
    // Prepare: an entry that loads the library the way the finish handler does, bundled into a folder with no node_modules above it.
    const away = await mkdtemp(path.join(tmpdir(), 'crm-chart-bundle-'));
    try {
      const entry = path.join(away, 'entry.ts');
      await writeFile(
        entry,
        `import ${JSON.stringify(path.join(root, 'functions/reports/dashboard/bundled-chart-library.ts'))};\n` +
          `export { chartLibrarySource } from ${JSON.stringify(path.join(root, 'functions/reports/dashboard/chart-runtime.ts'))};\n`,
      );
      const outfile = path.join(away, 'out.mjs');
      await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
      // Act
      const { chartLibrarySource } = (await import(pathToFileURL(outfile).href)) as { chartLibrarySource: () => string };
      // Assess: the whole library, although `echarts` cannot be resolved from there.
      expect(chartLibrarySource()).toBe(await readFile(path.join(root, 'node_modules/echarts/dist/echarts.min.js'), 'utf8'));
    } finally {
      await rm(away, { recursive: true, force: true });
    }
  }, 120_000);
});
