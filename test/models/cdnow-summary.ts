// The CDNOW sample's published calibration summary (test/fixtures, from the MIT-licensed lifetimes library).
import { readFileSync } from 'node:fs';

export interface CdnowSummaryRow {
  id: number;
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

export function readCdnowSummary(): CdnowSummaryRow[] {
  const text = readFileSync(new URL('../fixtures/cdnow_customers_summary_with_transactions.csv', import.meta.url), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== 'ID,x,t_x,T,zbar') throw new Error(`unexpected CDNOW summary header: ${header}`);
  return lines.map((line) => {
    const [id, x, tx, T, zbar] = line.split(',').map(Number) as [number, number, number, number, number];
    return { id, x, tx, T, zbar };
  });
}
