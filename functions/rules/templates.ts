// `{{path}}` placeholders in rule text (titles, e-mail bodies, webhook bodies), filled from the trigger:
// `detail.*` (the event), `record.*` (the subject as stored), `customer.*`, `rule.id`, `params.*`, `date`.
type Scope = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;

export function lookup(scope: Scope, path: string): unknown {
  let value: unknown = scope;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Fills the placeholders of a string; a string that is exactly one placeholder keeps the value's type. */
export function render(template: string, scope: Scope): unknown {
  const whole = /^\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}$/.exec(template);
  if (whole) return lookup(scope, whole[1]!);
  return template.replace(PLACEHOLDER, (_, path: string) => text(lookup(scope, path)));
}

export const renderText = (template: string, scope: Scope): string => text(render(template, scope));

/** Renders every string inside a JSON value. */
export function renderDeep(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return render(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)]));
  return value;
}
