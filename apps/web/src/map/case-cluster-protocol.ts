/**
 * Messages between the command map's cluster layer and its clustering worker.
 *
 * A case is known to the worker by its slot, a small integer the layer hands out (and reuses once
 * the case is gone), and a patch carries its changes as typed arrays, transferred rather than
 * copied: 10,000 cases cost the worker no per-case decoding and the layer no per-case encoding.
 */

/** The changes of one patch, column by column: entry `i` of each array is one case. */
export interface CasePatch {
  /** Slots of the cases added, moved or recoloured. */
  slots: Int32Array;
  lat: Float64Array;
  lng: Float64Array;
  /** The rank of each case's marker colour (worst = highest). */
  rank: Int8Array;
  /** Slots of the cases gone (applied before the upserts). */
  remove: Int32Array;
}

/** A cluster of the view: position, how many cases, the worst rank inside, the zoom that splits it. */
export type WorkerCluster = [
  lat: number,
  lng: number,
  count: number,
  worstRank: number,
  expansionZoom: number,
];

export type ClusterRequest =
  | ({ type: 'patch' } & CasePatch)
  | {
      type: 'query';
      id: number;
      bbox: [west: number, south: number, east: number, north: number];
      zoom: number;
    };

/** The clusters of a query; sent again, with the same id, whenever a patch has changed the index. */
export type ClusterResponse = {
  type: 'clusters';
  id: number;
  version: number;
  clusters: WorkerCluster[];
  /** Slots of the cases drawn on their own. */
  singles: Int32Array;
  /** How many patches the worker had applied when it computed this answer. */
  applied: number;
};

/** The buffers of a patch, for `postMessage`'s transfer list. */
export const transferablesOf = (p: CasePatch): ArrayBuffer[] =>
  [p.slots, p.lat, p.lng, p.rank, p.remove].map((a) => a.buffer as ArrayBuffer);

/**
 * Collects one patch's changes into arrays sized for at most `capacity` upserts and hands them out
 * as a {@link CasePatch}. The worker applies the removals before the upserts.
 */
export class CasePatchBuilder {
  private readonly slots: Int32Array;
  private readonly lat: Float64Array;
  private readonly lng: Float64Array;
  private readonly rank: Int8Array;
  private readonly removed: number[] = [];
  private n = 0;

  constructor(capacity: number) {
    this.slots = new Int32Array(capacity);
    this.lat = new Float64Array(capacity);
    this.lng = new Float64Array(capacity);
    this.rank = new Int8Array(capacity);
  }

  upsert(slot: number, lat: number, lng: number, rank: number): void {
    const i = this.n++;
    this.slots[i] = slot;
    this.lat[i] = lat;
    this.lng[i] = lng;
    this.rank[i] = rank;
  }

  remove(slot: number): void {
    this.removed.push(slot);
  }

  get empty(): boolean {
    return this.n === 0 && this.removed.length === 0;
  }

  build(): CasePatch {
    const n = this.n;
    return {
      slots: this.slots.slice(0, n),
      lat: this.lat.slice(0, n),
      lng: this.lng.slice(0, n),
      rank: this.rank.slice(0, n),
      remove: Int32Array.from(this.removed),
    };
  }
}

/**
 * The layer's side of the slots: which case holds each, and the free ones. A slot released in a
 * patch is free again only once the worker has answered with that patch applied: an answer the
 * worker computed before it can still name the slot for the case that is gone, and must not be
 * read as naming the case that took it next.
 */
export class CaseSlots {
  private readonly caseOf: (string | undefined)[] = [];
  private readonly free: number[] = [];
  /** Released slots with the number of the patch that removes their case. */
  private pending: [slot: number, patch: number][] = [];
  private sentPatches = 0;

  take(caseNumber: string): number {
    const slot = this.free.pop() ?? this.caseOf.length;
    this.caseOf[slot] = caseNumber;
    return slot;
  }

  /** The slot's case is gone, in the patch being built (sent next). */
  release(slot: number): void {
    this.caseOf[slot] = undefined;
    this.pending.push([slot, this.sentPatches + 1]);
  }

  /** A patch went to the worker. */
  patchSent(): void {
    this.sentPatches++;
  }

  /** The worker answered with its first `applied` patches applied: their released slots are free. */
  applied(applied: number): void {
    if (!this.pending.length) return;
    const still: [number, number][] = [];
    for (const [slot, patch] of this.pending) {
      if (patch <= applied) this.free.push(slot);
      else still.push([slot, patch]);
    }
    this.pending = still;
  }

  caseAt(slot: number): string | undefined {
    return this.caseOf[slot];
  }

  clear(): void {
    this.caseOf.length = 0;
    this.free.length = 0;
    this.pending = [];
    this.sentPatches = 0;
  }
}
