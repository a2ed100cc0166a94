// The attribution models side by side per channel, and campaign and channel ROI, from the SQL tables
// `journeys` and `campaign_activity`. Money is summed in cents per currency and never across currencies.
import { attribute, attributeModel } from '../models/attribution/attribute.ts';
import { ATTRIBUTION_MODELS, channelsOf } from '../models/attribution/paths.ts';
import type { ReportColumn, ReportContext, ReportTables } from '../report-definition.ts';
import { campaignChannels, journeyCurrencies, journeyPaths } from './journey-paths.ts';
import type { MarketingRoiSettings } from './settings.ts';

type Row = Record<string, unknown>;

const cents = (x: unknown) => Math.round(Number(x ?? 0) * 100);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const money = (c: number) => c / 100;

const ATTRIBUTION_COLUMNS: ReportColumn[] = [
  { name: 'currency', kind: 'string' },
  { name: 'model', kind: 'string' },
  { name: 'channel', kind: 'string' },
  { name: 'conversions', kind: 'double' },
  { name: 'attributed_revenue', kind: 'decimal' },
  { name: 'revenue_share', kind: 'double' },
];

const ROI_MEASURES: ReportColumn[] = [
  { name: 'currency', kind: 'string' },
  { name: 'spend', kind: 'decimal' },
  { name: 'touches', kind: 'bigint' },
  { name: 'leads', kind: 'bigint' },
  { name: 'customers_won', kind: 'bigint' },
  { name: 'attributed_conversions', kind: 'double' },
  { name: 'attributed_revenue', kind: 'decimal' },
  { name: 'roi', kind: 'double' },
  { name: 'roas', kind: 'double' },
  { name: 'cac', kind: 'decimal' },
  { name: 'cost_per_lead', kind: 'decimal' },
];

interface Measures {
  spendCents: number;
  touches: number;
  leads: number;
  customersWon: number;
  conversions: number;
  revenueCents: number;
}

function roiRow(currency: string, m: Measures): Row {
  return {
    currency,
    spend: money(m.spendCents),
    touches: m.touches,
    leads: m.leads,
    customers_won: m.customersWon,
    attributed_conversions: Math.round(m.conversions * 1e6) / 1e6,
    attributed_revenue: money(m.revenueCents),
    roi: m.spendCents > 0 ? (m.revenueCents - m.spendCents) / m.spendCents : null,
    roas: ratio(m.revenueCents, m.spendCents),
    cac: m.spendCents > 0 && m.customersWon > 0 ? Math.round(m.spendCents / m.customersWon) / 100 : null,
    cost_per_lead: m.spendCents > 0 && m.leads > 0 ? Math.round(m.spendCents / m.leads) / 100 : null,
  };
}

export function marketingRoiPostProcess(settings: MarketingRoiSettings) {
  return ({ tables }: ReportContext): ReportTables => {
    const journeys = tables.journeys?.rows ?? [];
    const activity = tables.campaign_activity?.rows ?? [];
    const currencies = journeyCurrencies(journeys);
    const options = { halfLifeDays: settings.halfLifeDays };

    const attributionRows: Row[] = [];
    // currency → campaign → credit under the ROI model.
    const campaignCredit = new Map<string, Map<string, { conversions: number; revenueCents: number }>>();
    for (const currency of currencies) {
      const byChannel = attribute(journeyPaths(journeys, currency, 'channel_path'), options);
      for (const model of ATTRIBUTION_MODELS) {
        for (const c of byChannel.models[model]) {
          attributionRows.push({ currency, model, channel: c.channel, conversions: c.conversions, attributed_revenue: c.value, revenue_share: ratio(cents(c.value), cents(byChannel.total.value)) });
        }
      }
      const campaignPaths = journeyPaths(journeys, currency, 'campaign_path');
      const credits = attributeModel(settings.roiModel, campaignPaths, channelsOf(campaignPaths), options);
      campaignCredit.set(currency, new Map(credits.map((c) => [c.channel, { conversions: c.conversions, revenueCents: cents(c.value) }])));
    }

    const channelOf = campaignChannels(journeys);
    const campaignRows: Row[] = [];
    const channelTotals = new Map<string, Measures>();
    const addToChannel = (channel: string, currency: string, m: Measures) => {
      const key = `${channel}\u0000${currency}`;
      const t = channelTotals.get(key) ?? { spendCents: 0, touches: 0, leads: 0, customersWon: 0, conversions: 0, revenueCents: 0 };
      t.spendCents += m.spendCents;
      t.touches += m.touches;
      t.leads += m.leads;
      t.customersWon += m.customersWon;
      t.conversions += m.conversions;
      t.revenueCents += m.revenueCents;
      channelTotals.set(key, t);
    };
    const seen = new Set<string>();
    for (const a of activity) {
      const id = String(a.campaign_id);
      seen.add(id);
      const own = String(a.currency);
      // The campaign's own currency first (its spend), then any other currency it earned revenue in.
      const rowCurrencies = [own, ...currencies.filter((c) => c !== own && campaignCredit.get(c)?.has(id))];
      for (const currency of rowCurrencies) {
        const credit = campaignCredit.get(currency)?.get(id);
        const isOwn = currency === own;
        const m: Measures = {
          spendCents: isOwn ? cents(a.spend) : 0,
          touches: isOwn ? Number(a.touches) : 0,
          leads: isOwn ? Number(a.leads) : 0,
          customersWon: isOwn ? Number(a.customers_won) : 0,
          conversions: credit?.conversions ?? 0,
          revenueCents: credit?.revenueCents ?? 0,
        };
        campaignRows.push({ campaign_id: id, campaign_name: a.campaign_name, channel: a.channel, ...roiRow(currency, m) });
        addToChannel(String(a.channel), currency, m);
      }
    }
    // Revenue credited to a campaign that did not run in the window (touched before it, in the attribution window).
    for (const [currency, credits] of campaignCredit) {
      for (const [id, credit] of credits) {
        if (seen.has(id) || credit.revenueCents === 0) continue;
        addToChannel(channelOf.get(id) ?? 'unknown', currency, { spendCents: 0, touches: 0, leads: 0, customersWon: 0, conversions: credit.conversions, revenueCents: credit.revenueCents });
      }
    }
    campaignRows.sort((x, y) => String(x.campaign_id).localeCompare(String(y.campaign_id)) || String(x.currency).localeCompare(String(y.currency)));
    const channelRows = [...channelTotals]
      .map(([key, m]) => {
        const [channel, currency] = key.split('\u0000') as [string, string];
        return { channel, ...roiRow(currency, m) } as Row & { channel: string };
      })
      .sort((x, y) => String(x.currency).localeCompare(String(y.currency)) || x.channel.localeCompare(y.channel));

    return {
      attribution_by_channel: { columns: ATTRIBUTION_COLUMNS, rows: attributionRows },
      campaign_roi: { columns: [{ name: 'campaign_id', kind: 'string' }, { name: 'campaign_name', kind: 'string' }, { name: 'channel', kind: 'string' }, ...ROI_MEASURES], rows: campaignRows },
      channel_roi: { columns: [{ name: 'channel', kind: 'string' }, ...ROI_MEASURES], rows: channelRows },
    };
  };
}
