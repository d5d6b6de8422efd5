import gazetteerDoc from './data/gazetteer.json' with { type: 'json' };
import gridDoc from './data/grid.json' with { type: 'json' };
import { loadReferenceGrid, type ReferenceGrid } from '../grid/load-reference-grid.ts';

/** A named place an operator can type: community, street, landmark (or a grid cell by code). */
export interface GazetteerEntry {
  readonly kind: 'community' | 'compound' | 'street' | 'building' | 'door' | 'landmark' | 'cell';
  readonly name: string;
  readonly nameEn: string;
  readonly aliases?: readonly string[];
  readonly code?: string;
  /** Full address of an imported compound, building or door number (the city's own gazetteer). */
  readonly address?: string;
  readonly lat: number;
  readonly lng: number;
}

const GAZETTEER_KINDS: ReadonlyArray<GazetteerEntry['kind']> = ['community', 'street', 'landmark', 'cell'];
const isGazetteerKind = (k: string): k is GazetteerEntry['kind'] =>
  (GAZETTEER_KINDS as readonly string[]).includes(k);

/** The shipped gazetteer, its kinds checked (a JSON file types them as plain strings). */
export function loadShippedGazetteer(): GazetteerEntry[] {
  return gazetteerDoc.entries.map((e) => {
    if (!isGazetteerKind(e.kind)) throw new Error(`gazetteer entry ${e.name}: unknown kind ${e.kind}`);
    return { ...e, kind: e.kind };
  });
}

let shippedGrid: ReferenceGrid | null = null;
/** The generated Xilinhot grid shipped with the code (seeded into a new database). */
export function loadShippedGrid(): ReferenceGrid {
  shippedGrid ??= loadReferenceGrid(gridDoc);
  return shippedGrid;
}

/**
 * Find places by Chinese name, alias, pinyin name or code prefix. Exact and prefix matches rank
 * before substring matches; communities, compounds, streets, buildings, door numbers, landmarks, then cells.
 */
export function searchGazetteer(
  entries: readonly GazetteerEntry[],
  query: string,
  limit = 10,
): GazetteerEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const kindRank = {
    community: 0,
    compound: 1,
    street: 2,
    building: 3,
    door: 4,
    landmark: 5,
    cell: 6,
  } as const;
  const scored: Array<{ e: GazetteerEntry; score: number }> = [];
  for (const e of entries) {
    const names = [e.name, e.nameEn.toLowerCase(), ...(e.aliases ?? []), e.code ?? '', e.address ?? ''];
    let best = Infinity;
    for (const n of names) {
      if (!n) continue;
      const ln = n.toLowerCase();
      if (ln === q) best = Math.min(best, 0);
      else if (ln.startsWith(q)) best = Math.min(best, 1);
      else if (ln.includes(q)) best = Math.min(best, 2);
    }
    if (best < Infinity) scored.push({ e, score: best * 10 + kindRank[e.kind] });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.e.name.localeCompare(b.e.name))
    .slice(0, limit)
    .map((s) => s.e);
}
