// What an analyst may change about the marketing ROI report: the window it looks back over, how long
// before an order a touch still counts, the time-decay half-life and the model behind campaign ROI.
import type { AttributionModel } from '../models/attribution/paths.ts';

export interface MarketingRoiSettings {
  /** Spend, touches, leads, orders and the funnel over this many days up to the as-of date. @default 365 */
  lookbackDays: number;
  /** A touch counts towards an order placed at most this many days later. @default 30 */
  attributionWindowDays: number;
  /** Time-decay attribution: a touch this many days before the order earns half. @default 7 */
  halfLifeDays: number;
  /** The attribution model behind each campaign's (and channel's) attributed revenue, ROI and ROAS. @default 'linear' */
  roiModel: AttributionModel;
}

export const DEFAULT_MARKETING_ROI_SETTINGS: MarketingRoiSettings = { lookbackDays: 365, attributionWindowDays: 30, halfLifeDays: 7, roiModel: 'linear' };
