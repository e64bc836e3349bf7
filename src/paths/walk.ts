/**
 * The path rules, applied to the time-ordered events of one group (one
 * impression, or one user-item pair). Event codes: 0 impression, 1 click,
 * 2 buy, 3 + k the k-th post-click action.
 *
 * Rules (see README, "Path mining"):
 * - A path is anchored on a click. In user-item mode a click more than
 *   `window` seconds after the path's click starts a new path; events after
 *   the window wait for a later click or become anomalies.
 * - Actions after the path's first purchase do not count toward it
 *   (`action_after_buy`; in the same second as the purchase:
 *   `action_same_second_as_buy`, events of one second are ordered impression,
 *   click, buy, actions); a repeated action counts once; later purchases are
 *   `repeat_buy`.
 * - Actions up to `window` seconds before the click of their item are
 *   attached to that click's path under rule `attach` (counted as
 *   `pre_click_attached`; their delays are left out of timings) or left out
 *   under rule `drop` (`pre_click_dropped`). A purchase before the click is
 *   never that click's conversion, under either rule (`pre_click_buy`).
 * - Impressions not followed by a click form unclicked paths. In user-item
 *   mode, an impression inside an open path that is followed by another click
 *   within the window joins that path (`impression_joined`) instead of
 *   becoming an unclicked path.
 */
import type { PathSetBuilder } from './path-set';
import { PATH_FLAGS as F } from './path-set';

export const CODE = { IMPRESSION: 0, CLICK: 1, BUY: 2, ACTION0: 3 } as const;

/** Order of events in the same second: impression, click, buy, then actions (they count as after the purchase). */
export function tieRank(code: number): number {
  return code === CODE.IMPRESSION ? 0 : code === CODE.CLICK ? 1 : code === CODE.BUY ? 2 : 3;
}

/** `tieRank` as SQL over a column of canonical event names (the DuckDB miner sorts with it). */
export const TIE_RANK_SQL = `CASE event WHEN 'impression' THEN 0 WHEN 'click' THEN 1 WHEN 'buy' THEN 2 ELSE 3 END`;

/** Walker options. */
export interface WalkOptions {
  window: number;
  preClick: 'attach' | 'drop';
  hasImpressions: boolean;
}

/** Applies the path rules group by group, writing paths and anomalies into a builder. */
export class PathWalker {
  private readonly tActs: Float64Array;
  private readonly noActs: Float64Array;
  private pending: number[] = [];
  /** Impressions inside the open path after its own (user-item mode): they join it if another click follows. */
  private held: number[] = [];
  private heldTs: ArrayLike<number> = [];
  // Current path state.
  private open = false;
  private clickTs = 0;
  private flags = 0;
  private mask = 0;
  private tBuy = NaN;
  private buyAt = NaN;
  private bought = false;
  private user = 0;
  private row = -1;
  private impRow = -1;
  private item = 0;
  private key: () => string = () => '';

  /** `rows`: positions are table rows (in-memory mining), so paths can point at their feature row. */
  constructor(private readonly b: PathSetBuilder, private readonly o: WalkOptions & { rows?: boolean }) {
    this.tActs = new Float64Array(b.actions.length);
    this.noActs = new Float64Array(b.actions.length).fill(NaN);
  }

  private openPath(t: number, j: number): void {
    this.open = true;
    this.row = this.o.rows ? j : -1;
    this.impRow = -1;
    this.clickTs = t;
    this.flags = F.CLICK;
    this.mask = 0;
    this.tBuy = NaN;
    this.buyAt = NaN;
    this.bought = false;
    this.tActs.fill(NaN);
  }

  private closePath(): void {
    if (!this.open) return;
    if (this.o.hasImpressions && !(this.flags & F.IMPRESSION)) {
      this.b.anomaly('click_without_impression', this.key);
      if (this.bought) this.b.anomaly('buy_without_impression', this.key);
    }
    this.b.add(this.user, this.item, this.clickTs, this.flags, this.mask, this.tBuy, this.tActs, this.impRow >= 0 ? this.impRow : this.row);
    this.open = false;
    // Held impressions wait, like any event outside a path, for a click within the window.
    for (const j of this.held) this.pending.push(j);
    this.held.length = 0;
  }

  /** Another click inside the open path: the last held impression joins it; earlier ones were not clicked. */
  private joinHeld(): void {
    const h = this.held;
    if (!h.length) return;
    for (let q = 0; q < h.length - 1; q++) this.impressionOnly(this.heldTs[h[q]], h[q]);
    this.b.anomaly('impression_joined', this.key);
    h.length = 0;
  }

  /** An event inside the open path, `code` ≠ click. */
  private inPath(code: number, t: number, j: number): void {
    if (code === CODE.IMPRESSION) {
      if (!(this.flags & F.IMPRESSION) && t <= this.clickTs) this.attachImpression(j);
      else this.held.push(j);
    } else if (code === CODE.BUY) {
      if (this.bought) this.b.anomaly('repeat_buy', this.key);
      else {
        this.bought = true;
        this.flags |= F.BUY;
        this.tBuy = t - this.clickTs;
        this.buyAt = t;
      }
    } else {
      const a = code - CODE.ACTION0;
      if (this.bought) this.b.anomaly(t === this.buyAt ? 'action_same_second_as_buy' : 'action_after_buy', this.key);
      else if (!(this.mask & (1 << a))) {
        this.mask |= 1 << a;
        this.tActs[a] = t - this.clickTs;
      }
    }
  }

  /** An action or purchase before the click of the path just opened: a purchase never counts toward it. */
  private preClick(code: number): void {
    if (code === CODE.BUY) return this.b.anomaly('pre_click_buy', this.key);
    if (this.o.preClick === 'drop') return this.b.anomaly('pre_click_dropped', this.key);
    this.b.anomaly('pre_click_attached', this.key);
    this.flags |= F.PRE_CLICK;
    this.mask |= 1 << (code - CODE.ACTION0);
  }

  private attachImpression(j: number): void {
    this.flags |= F.IMPRESSION;
    if (this.o.rows) this.impRow = j;
  }

  private impressionOnly(t: number, j: number): void {
    this.b.add(this.user, this.item, t, F.IMPRESSION, 0, NaN, this.noActs, this.o.rows ? j : -1);
  }

  /** Events that belong to no click: impressions become unclicked paths, the rest anomalies (one per group). */
  private orphans(ev: ArrayLike<number>, positions: number[], ts: ArrayLike<number>): void {
    let buy = false, action = false;
    for (const j of positions) {
      const c = ev[j];
      if (c === CODE.IMPRESSION) this.impressionOnly(ts[j], j);
      else if (c === CODE.BUY) buy = true;
      else if (c >= CODE.ACTION0) action = true;
    }
    if (buy) this.b.anomaly('buy_without_click', this.key);
    else if (action) this.b.anomaly('action_without_click', this.key);
  }

  /**
   * One user-item group: positions `order[s..e)` into `ev`/`ts`, sorted by
   * time (impression, click, buy, actions on ties: `tieRank`).
   */
  walkUserItem(user: number, item: number, key: () => string, ev: ArrayLike<number>, ts: ArrayLike<number>, order: ArrayLike<number>, s: number, e: number): void {
    this.user = user;
    this.item = item;
    this.key = key;
    const pending = this.pending;
    pending.length = 0;
    this.held.length = 0;
    this.heldTs = ts;
    const W = this.o.window;
    for (let p = s; p < e; p++) {
      const j = order[p];
      const code = ev[j], t = ts[j];
      if (this.open && t > this.clickTs + W) this.closePath();
      if (code === CODE.CLICK) {
        if (this.open) {
          this.joinHeld();
          continue;
        }
        let cut = 0;
        while (cut < pending.length && ts[pending[cut]] < t - W) cut++;
        if (cut) this.orphans(ev, pending.slice(0, cut), ts);
        this.openPath(t, j);
        let lastImp = -1;
        for (let q = cut; q < pending.length; q++) if (ev[pending[q]] === CODE.IMPRESSION) lastImp = q;
        for (let q = cut; q < pending.length; q++) {
          const c = ev[pending[q]];
          if (c === CODE.IMPRESSION) {
            if (q === lastImp) this.attachImpression(pending[q]);
            else this.impressionOnly(ts[pending[q]], pending[q]);
          } else this.preClick(c);
        }
        pending.length = 0;
      } else if (this.open) this.inPath(code, t, j);
      else pending.push(j);
    }
    this.closePath();
    if (pending.length) this.orphans(ev, pending, ts);
  }

  /** One impression group: all its events form at most one path. */
  walkImpression(user: number, item: number, key: () => string, ev: ArrayLike<number>, ts: ArrayLike<number>, order: ArrayLike<number>, s: number, e: number): void {
    this.user = user;
    this.item = item;
    this.key = key;
    let click = -1;
    for (let p = s; p < e; p++) if (ev[order[p]] === CODE.CLICK) { click = p; break; }
    if (click < 0) {
      const positions: number[] = [];
      let imp = -1;
      for (let p = s; p < e; p++) {
        const j = order[p];
        if (ev[j] === CODE.IMPRESSION && imp < 0) imp = j;
        else positions.push(j);
      }
      if (imp >= 0) this.impressionOnly(ts[imp], imp);
      this.orphans(ev, positions.filter((j) => ev[j] !== CODE.IMPRESSION), ts);
      return;
    }
    const t0 = ts[order[click]];
    this.openPath(t0, order[click]);
    for (let p = s; p < e; p++) {
      if (p === click) continue;
      const j = order[p];
      const code = ev[j];
      if (code === CODE.CLICK) continue;
      if (code === CODE.IMPRESSION) {
        if (!(this.flags & F.IMPRESSION)) this.attachImpression(j);
      } else if (p < click) this.preClick(code);
      else if (ts[j] > t0 + this.o.window) this.b.anomaly('after_window', this.key);
      else this.inPath(code, ts[j], j);
    }
    this.closePath();
  }
}
