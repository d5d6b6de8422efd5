import {
  DISPATCH_QUEUE_STATES,
  REVIEW_QUEUE_STATES,
  UNIT_QUEUE_STATES,
  type CaseState,
} from '@citygrid/domain';
import type { CaseStorePort } from '@citygrid/db';
import type { QueuePage } from '../schemas.ts';
import type { CaseService } from './case-service.ts';
import { caseRow } from './case-rows.ts';
import type { ReferenceService } from './reference-service.ts';

/** Why a case waits in the dispatchers' queue, by state (a filed case: by where it is, below). */
const REASON_OF_STATE = {
  reported: 'to_file',
  return_requested: 'return',
  extension_requested: 'extension',
  park_requested: 'park',
} as const;

const DISPATCH_COLUMNS = [
  'caseNumber',
  'version',
  'state',
  'reportedAt',
  'description',
  'minorClassCode',
  'minorClassName',
  'communityName',
  'communityCode',
  'cellCode',
  'unitCode',
  'unitName',
  'pendingExtensionAmount',
  'limitUnit',
  'address',
  'lat',
  'lng',
] as const;
const REVIEW_COLUMNS = [
  'caseNumber',
  'version',
  'state',
  'description',
  'minorClassCode',
  'minorClassName',
  'unitCode',
  'unitName',
  'communityCode',
  'communityName',
  'disposedAt',
  'closedAt',
  'disposedLate',
  'reworkCount',
  'callerPhone',
  'callerName',
] as const;
const UNIT_COLUMNS = [
  'caseNumber',
  'version',
  'state',
  'dueAt',
  'dispatchedAt',
  'description',
  'minorClassCode',
  'minorClassName',
  'address',
  'communityCode',
  'communityName',
  'cellCode',
  'urgency',
  'reworkCount',
  'lat',
  'lng',
] as const;

/**
 * The work queues (dispatch, review, a unit's own): each answers one page, its true total and its
 * counts. Queries, not changes: the routers only validate and call these.
 */
export class QueueQueries {
  constructor(
    private readonly store: CaseStorePort,
    private readonly cases: CaseService,
    private readonly reference: ReferenceService,
  ) {}

  /**
   * The dispatchers' queue (值班长 / 派遣员): one page (newest first), its true total, the count of every
   * reason over the whole queue, and for each case why it waits, the suggested unit and possible
   * duplicates nearby (one query for the whole page).
   */
  async dispatch(input: QueuePage) {
    const { cases, store, reference } = this;
    const filter = { states: DISPATCH_QUEUE_STATES, search: input.search || undefined };
    const [rows, total, byState, filedByPlace] = await Promise.all([
      cases.list({ ...filter, orderBy: 'reported_desc', limit: input.limit, offset: input.offset }),
      cases.count(filter),
      store.countBy('state', filter),
      store.countByLocationKind({ ...filter, states: ['filed'] }),
    ]);
    const stateCount = (s: string) => byState.find((r) => r.key === s)?.n ?? 0;
    const reasonCounts = {
      to_file: stateCount('reported'),
      outside_grid: filedByPlace.outside_grid,
      no_location: filedByPlace.no_location,
      no_rule: filedByPlace.in_grid,
      return: stateCount('return_requested'),
      extension: stateCount('extension_requested'),
      park: stateCount('park_requested'),
    };
    const mayDuplicate = rows.filter(
      (r) => r.lat !== null && r.lng !== null && (r.state === 'reported' || r.state === 'filed'),
    );
    const nearby = await cases.nearbyOpenMany(
      mayDuplicate.map((r) => ({ minorClassCode: r.minorClassCode, point: { lat: r.lat!, lng: r.lng! } })),
    );
    const nearbyOf = new Map(mayDuplicate.map((r, i) => [r.caseNumber, nearby[i]!]));
    const items = rows.map((r) => {
      const duplicates = (nearbyOf.get(r.caseNumber) ?? [])
        .filter((d) => d.record.caseNumber !== r.caseNumber)
        .map((d) => ({ caseNumber: d.record.caseNumber, distanceM: Math.round(d.distanceM) }));
      const reasonCode =
        r.state in REASON_OF_STATE
          ? REASON_OF_STATE[r.state as keyof typeof REASON_OF_STATE]
          : r.lat !== null && r.cellCode === null
            ? 'outside_grid'
            : r.lat === null
              ? 'no_location'
              : 'no_rule';
      return {
        ...caseRow(r, reference, DISPATCH_COLUMNS),
        reasonCode,
        suggestedUnitCode: cases.suggestUnit(r),
        possibleDuplicates: duplicates,
      };
    });
    return { total, offset: input.offset, limit: input.limit, reasonCounts, items };
  }

  /** One page of one review section (most recently updated first), the section's true total and both sections' counts. */
  async review(input: QueuePage & { section: (typeof REVIEW_QUEUE_STATES)[number] }) {
    const search = input.search || undefined;
    const [rows, byState] = await Promise.all([
      this.cases.list({
        states: [input.section],
        search,
        orderBy: 'updated_desc',
        limit: input.limit,
        offset: input.offset,
      }),
      this.store.countBy('state', { states: REVIEW_QUEUE_STATES, search }),
    ]);
    const counts = {
      disposed: byState.find((r) => r.key === 'disposed')?.n ?? 0,
      closed: byState.find((r) => r.key === 'closed')?.n ?? 0,
    };
    const items = rows.map((r) => caseRow(r, this.reference, REVIEW_COLUMNS));
    return {
      section: input.section,
      total: counts[input.section],
      counts,
      offset: input.offset,
      limit: input.limit,
      items,
    };
  }

  /** One page of a unit's queue (earliest deadline first) with each case's traffic light, and its true total. */
  async unitWork(unitCode: string, input: QueuePage & { states?: CaseState[] | undefined }) {
    const filter = {
      unitCode,
      states: input.states?.length ? input.states : UNIT_QUEUE_STATES,
      search: input.search || undefined,
    };
    const [rows, total] = await Promise.all([
      this.cases.list({ ...filter, orderBy: 'due', limit: input.limit, offset: input.offset }),
      this.cases.count(filter),
    ]);
    const items = rows.map((r) => {
      const l = this.cases.lightOf(r);
      return {
        ...caseRow(r, this.reference, UNIT_COLUMNS),
        light: l?.light ?? null,
        remainingMs: l?.remainingMs ?? null,
        usedFraction: l?.usedFraction ?? null,
      };
    });
    return { total, offset: input.offset, limit: input.limit, items };
  }
}
