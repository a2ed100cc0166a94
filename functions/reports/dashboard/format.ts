// Number and label formatting for the dashboard. Written out rather than Intl/toLocaleString so the
// page is byte-identical whatever the machine's locale or ICU data.
import type { ValueFormat } from '../report-definition.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 1234567.891 → '1,234,567.89' (fixed decimals, thousands separated, half away from zero). */
export function groupedNumber(value: number, decimals: number): string {
  const sign = value < 0 ? '-' : '';
  // toFixed rounds the binary value (1.005 → '1.00'); nudging by a relative epsilon keeps decimal halves up.
  const magnitude = Math.abs(value);
  const [whole = '0', fraction] = (magnitude + magnitude * Number.EPSILON).toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = fraction ? `${grouped}.${fraction}` : grouped;
  return /^[0.,]+$/.test(text) ? text : sign + text;
}

/** A cell or headline value as an analyst reads it; null reads as an en dash. */
export function formatValue(value: unknown, format: ValueFormat | undefined, currency?: string): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return '–';
  switch (format) {
    case 'money':
      return `${currency ? `${currency} ` : ''}${groupedNumber(value, 2)}`;
    case 'count':
      return groupedNumber(value, 0);
    case 'ratio':
      return `${groupedNumber(value * 100, 1)}%`;
    default:
      return Number.isInteger(value) ? groupedNumber(value, 0) : groupedNumber(value, 2);
  }
}

/** Short axis label: 1234 → '1.2k', 2500000 → '2.5M'. */
export function compactNumber(value: number, format?: ValueFormat): string {
  if (format === 'ratio') return `${groupedNumber(value * 100, 0)}%`;
  const magnitude = Math.abs(value);
  for (const [size, suffix] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (magnitude >= size) return `${trimZeros((value / size).toFixed(1))}${suffix}`;
  }
  return trimZeros(value.toFixed(magnitude < 10 && !Number.isInteger(value) ? 1 : 0));
}

const trimZeros = (text: string) => text.replace(/\.0$/, '');

/** A category label: first-of-month dates read 'Nov 2024', other values as they are. */
export function categoryLabel(value: unknown): string {
  if (typeof value === 'string') {
    const month = /^(\d{4})-(\d{2})-01$/.exec(value);
    if (month) return `${MONTHS[Number(month[2]) - 1]} ${month[1]}`;
    return value;
  }
  return formatValue(value, undefined);
}

/** snake_case column or value → 'Sentence case' for headings. */
export const humanize = (name: string) => {
  const text = name.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
