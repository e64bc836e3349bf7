/**
 * The canonical event log: columns `user_id`, `item_id`, `event`, `ts`
 * (epoch seconds), optional `impression_id`; every other column is a feature.
 */

/** Required canonical columns. */
export const REQUIRED_COLUMNS = ['user_id', 'item_id', 'event', 'ts'] as const;
/** Optional canonical column tying events to one impression. */
export const IMPRESSION_ID = 'impression_id';
/** Canonical column names, required and optional. */
export type CanonicalColumn = (typeof REQUIRED_COLUMNS)[number] | typeof IMPRESSION_ID;

/** Canonical events with a fixed meaning; every other canonical name is a post-click action. */
export const FUNNEL_EVENTS = ['impression', 'click', 'buy'] as const;
/** Post-click actions known out of the box. More can be declared with the `actions` load option. */
export const KNOWN_ACTIONS = ['cart', 'wish', 'share', 'compare', 'coupon'] as const;

/** Funnel order of events, for counts and figures: impression, click, actions, buy (path mining breaks ties with paths/walk.ts `tieRank`: buy before actions). */
export function eventRank(event: string): number {
  if (event === 'impression') return 0;
  if (event === 'click') return 1;
  if (event === 'buy') return 3;
  return 2;
}

/** True for a post-click action (any canonical event that is not impression, click or buy). */
export function isAction(event: string): boolean {
  return event !== 'impression' && event !== 'click' && event !== 'buy';
}

/**
 * Source vocabularies mapped to canonical event names (lower-cased, trimmed
 * source names). Extend or override with the `eventMap` load option.
 */
export const DEFAULT_EVENT_MAP: Readonly<Record<string, string>> = {
  impression: 'impression', imp: 'impression', exposure: 'impression', expose: 'impression', show: 'impression',
  click: 'click', clk: 'click', pv: 'click', view: 'click', detail: 'click',
  cart: 'cart', addtocart: 'cart', add_to_cart: 'cart', 'add-to-cart': 'cart', addcart: 'cart',
  wish: 'wish', fav: 'wish', favorite: 'wish', favourite: 'wish', wishlist: 'wish',
  share: 'share',
  compare: 'compare',
  coupon: 'coupon',
  buy: 'buy', purchase: 'buy', transaction: 'buy', order: 'buy', pay: 'buy',
};

/** Header names recognised for each canonical column (lower-cased). */
export const COLUMN_ALIASES: Readonly<Record<CanonicalColumn, readonly string[]>> = {
  user_id: ['user_id', 'userid', 'user', 'uid', 'visitorid', 'visitor_id', 'customer_id', 'session_id'],
  item_id: ['item_id', 'itemid', 'item', 'iid', 'product_id', 'productid', 'sku'],
  event: ['event', 'event_type', 'behavior_type', 'behaviour_type', 'behavior', 'behaviour', 'action'],
  ts: ['ts', 'timestamp', 'time', 'event_time', 'datetime'],
  impression_id: ['impression_id', 'imp_id', 'request_id'],
};

/** Map a header name to its canonical column, or undefined for a feature column. */
export function canonicalColumn(name: string): CanonicalColumn | undefined {
  const n = name.trim().toLowerCase();
  for (const [canon, aliases] of Object.entries(COLUMN_ALIASES)) {
    if (aliases.includes(n)) return canon as CanonicalColumn;
  }
  return undefined;
}
