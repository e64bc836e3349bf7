/**
 * Presets for real logs: how to read a known public data set into the
 * canonical schema.
 */
import type { TimestampFormat } from './timestamps';
import { OptionError } from '../errors';

/** How a log's columns, events and timestamps are read: the fields a preset and load options share. */
export interface ReadFields {
  /** Column names in file order, for files without a header. */
  columns?: string[];
  /** Whether the first line is a header; detected when absent. */
  header?: boolean;
  /** Source column name → canonical column name (`user_id`, `item_id`, `event`, `ts`, `impression_id`). */
  rename?: Record<string, string>;
  /** Source event name → canonical event name, merged over the default vocabulary. */
  eventMap?: Record<string, string>;
  /** Extra post-click action names accepted as they are. */
  actions?: string[];
  /** Feature columns to read as categorical even when their values look numeric. */
  categorical?: string[];
  /** Feature columns to read as numeric. */
  numeric?: string[];
  /** Columns to leave out of the table. */
  drop?: string[];
  /** Timestamp format; detected from the first rows when absent. */
  tsFormat?: TimestampFormat;
  /** The time zone of timestamps written without one (an IANA name such as Asia/Shanghai); default UTC. */
  tz?: string;
}

/** The adapters a preset can declare. */
export type AdapterName = 'otto' | 'yoochoose';

/** The adapter names, for validation and help texts. */
export const ADAPTERS: readonly AdapterName[] = ['otto', 'yoochoose'];

/** How to read one kind of log. Every field is optional; load options override it. */
export interface Preset extends ReadFields {
  /** Preset name, used on the command line (`--preset NAME`). */
  name: string;
  /** One sentence on the data set. */
  description: string;
  /** Facts about the data that analysts must know (printed in load reports). */
  notes?: string[];
  /** For logs not written one row per event (OTTO's nested sessions, YOOCHOOSE's two files): the adapter (data/adapters.ts) that rewrites them into canonical rows first. */
  adapter?: AdapterName;
}

/** Built-in presets by name. */
export const PRESETS: Record<string, Preset> = {
  'taobao-userbehavior': {
    name: 'taobao-userbehavior',
    description: 'Alibaba Tianchi "User Behavior Data from Taobao" (UserBehavior.csv): user, item, category, behaviour, epoch seconds; no header.',
    columns: ['user_id', 'item_id', 'category_id', 'event', 'ts'],
    header: false,
    eventMap: { pv: 'click', fav: 'wish', cart: 'cart', buy: 'buy' },
    categorical: ['category_id'],
    tsFormat: 'epoch_s',
    notes: [
      'No impressions: the funnel starts at pv (read as click); CTR cannot be measured.',
      'cart/fav often precede the first pv of the same item (71% of pv+cart pairs): do not assume pv→cart→buy order.',
    ],
  },
  retailrocket: {
    name: 'retailrocket',
    description: 'RetailRocket e-commerce events.csv: timestamp (ms), visitorid, event (view/addtocart/transaction), itemid, transactionid.',
    header: true,
    rename: { timestamp: 'ts', visitorid: 'user_id', itemid: 'item_id' },
    eventMap: { view: 'click', addtocart: 'cart', transaction: 'buy' },
    drop: ['transactionid'],
    tsFormat: 'epoch_ms',
    notes: ['No impressions: the funnel starts at view (read as click).'],
  },
  rees46: {
    name: 'rees46',
    description: 'REES46 "eCommerce behavior data from multi category store" (2019-Oct.csv …): event_time, event_type (view/cart/remove_from_cart/purchase), product_id, category_id, category_code, brand, price, user_id, user_session.',
    header: true,
    rename: { event_time: 'ts', event_type: 'event', product_id: 'item_id' },
    eventMap: { view: 'click', cart: 'cart', purchase: 'buy', remove_from_cart: 'remove_from_cart' },
    actions: ['remove_from_cart'],
    categorical: ['category_id', 'category_code', 'brand'],
    numeric: ['price'],
    drop: ['user_session'],
    tsFormat: 'iso8601',
    notes: [
      'No impressions: the funnel starts at view (read as click); CTR cannot be measured.',
      'Times are written "2019-10-01 00:00:00 UTC". remove_from_cart is kept as a post-click action; it is not a conversion step.',
    ],
  },
  otto: {
    name: 'otto',
    description: 'Kaggle "OTTO – Multi-Objective Recommender System" (train.jsonl, test.jsonl): one session per line, {"session": 12899779, "events": [{"aid": 59625, "ts": 1661724000278, "type": "clicks"}, ...]}; types clicks/carts/orders, ts in ms.',
    adapter: 'otto',
    eventMap: { clicks: 'click', carts: 'cart', orders: 'buy' },
    tsFormat: 'epoch_ms',
    notes: [
      'Sessions are read as users (session → user_id, aid → item_id). No impressions: the funnel starts at clicks; CTR cannot be measured.',
      'Rows come from the otto adapter (a temporary Parquet file, hence "parquet" in the load summary): one row per event, sessions in file order; problem line numbers count these rows, not the file\'s lines, and a line that is not a session object is one blank_id row.',
    ],
  },
  yoochoose: {
    name: 'yoochoose',
    description: 'RecSys Challenge 2015 YOOCHOOSE: pass yoochoose-clicks.dat (session_id, timestamp, item_id, category; no header); yoochoose-buys.dat (session_id, timestamp, item_id, price, quantity) is read from the same folder.',
    adapter: 'yoochoose',
    tsFormat: 'iso8601',
    notes: [
      'Sessions are read as users. No impressions and no post-click actions: the funnel is click → buy only, so there is no DAction to choose. category, price and quantity are not read.',
      'Rows come from the yoochoose adapter (a temporary Parquet file, hence "parquet" in the load summary): the clicks file\'s rows, then the buys file\'s; problem line numbers count these rows (blank lines left out), and a line without its 4 (clicks) or 5 (buys) fields is one blank_id row.',
    ],
  },
  buypath: {
    name: 'buypath',
    description: 'The canonical buypath log, as written by `buypath simulate`: impression_id, user_id, item_id, event, ts and features.',
    header: true,
    categorical: ['segment', 'category'],
  },
};

/** Look a preset up by name, with an error listing the known names. */
export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) {
    throw new OptionError(
      `preset: expected one of ${Object.keys(PRESETS).join(', ')}, got "${name}". Pass a known preset name, a preset file (my-log.json), or give columns/eventMap options yourself.`,
    );
  }
  return p;
}
