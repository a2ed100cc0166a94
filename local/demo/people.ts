// Names, addresses and birthdays of the people in the demo, drawn per market and language.
import { addMonths, DAY, isoDate, startOfDay } from './calendar.ts';
import { FIRST_NAMES, fillTemplate, LAST_NAMES, MARKETS, STREETS, type Lang, type Market } from './catalog.ts';
import type { Rng } from './random.ts';

export interface PersonName {
  firstName: string;
  lastName: string;
}

export interface Address {
  street: string;
  postalCode: string;
  city: string;
}

export const pickMarket = (rng: Rng): Market => rng.pickWeighted(MARKETS, (m) => m.weight);

export const pickLang = (rng: Rng, market: Market): Lang => rng.pick(market.langs);

export function personName(rng: Rng, lang: Lang): PersonName {
  return { firstName: rng.pick(FIRST_NAMES[lang]), lastName: rng.pick(LAST_NAMES[lang]) };
}

export function address(rng: Rng, market: Market, lang: Lang): Address {
  const [city, postal] = rng.pick(market.cities);
  const style = STREETS[lang];
  const street = style.format.replace('{s}', rng.pick(style.names)).replace('{n}', String(rng.int(1, 120)));
  const postalCode = fillTemplate(postal, () => rng.int(0, 9), () => rng.int(0, 25));
  return { street, postalCode, city };
}

/** Adults aged 18 to 85, most around 40. */
export function birthday(rng: Rng, asOf: number): string {
  const age = Math.min(85, Math.max(18, rng.normal(42, 13)));
  const born = addMonths(startOfDay(asOf), -Math.round(age * 12)) - rng.int(0, 30) * DAY;
  return isoDate(born);
}
