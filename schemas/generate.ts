// Writes the derived artefacts to schemas/generated/ (run with `npm run generate`).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { derivedArtefacts } from './artefacts.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), 'generated');
rmSync(root, { recursive: true, force: true });
const files = derivedArtefacts();
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
process.stderr.write(`wrote ${files.size} files to ${root}\n`);
