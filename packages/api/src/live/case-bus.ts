import { EventEmitter } from 'node:events';
import type { CaseRecord, StoredCaseEvent } from '@citygrid/db';

/** What a dashboard needs to place and colour one case. */
export interface CaseSummary {
  caseNumber: string;
  state: CaseRecord['state'];
  version: number;
  unitCode: string | null;
  lat: number | null;
  lng: number | null;
  cellCode: string | null;
  communityCode: string | null;
  minorClassCode: string;
  hotlineCategory: string;
  urgency: string;
  reportedAt: string;
  dispatchedAt: string | null;
  dueAt: string | null;
  limitUnit: string;
  description: string;
}

export interface LiveCaseEvent {
  /** Monotonic event id (case_events.id): the resume position. */
  id: number;
  caseNumber: string;
  type: StoredCaseEvent['type'];
  fromState: StoredCaseEvent['fromState'];
  toState: StoredCaseEvent['toState'];
  at: string;
  actorName: string;
  actorRole: string;
  reason: string | null;
  /** The case after this event (for the last event of a commit; earlier ones carry the same). */
  case: CaseSummary;
}

export const summarizeCase = (r: Pick<CaseRecord, keyof CaseSummary>): CaseSummary => ({
  caseNumber: r.caseNumber,
  state: r.state,
  version: r.version,
  unitCode: r.unitCode,
  lat: r.lat,
  lng: r.lng,
  cellCode: r.cellCode,
  communityCode: r.communityCode,
  minorClassCode: r.minorClassCode,
  hotlineCategory: r.hotlineCategory,
  urgency: r.urgency,
  reportedAt: r.reportedAt,
  dispatchedAt: r.dispatchedAt,
  dueAt: r.dueAt,
  limitUnit: r.limitUnit,
  description: r.description.length > 80 ? `${r.description.slice(0, 80)}…` : r.description,
});

export const toLiveEvent = (e: StoredCaseEvent, c: CaseSummary): LiveCaseEvent => ({
  id: e.id,
  caseNumber: e.caseNumber,
  type: e.type,
  fromState: e.fromState,
  toState: e.toState,
  at: e.at,
  actorName: e.actorName,
  actorRole: e.actorRole,
  reason: e.reason,
  case: c,
});

/**
 * Stored events as live events: each carries the summary of its case as it is now (the batch's cases
 * read in one query), the same as a stream resuming from the log shows. Events of a case that is gone
 * are left out.
 */
export async function liveEventsOf(
  log: { getRecordsById(ids: readonly number[]): Promise<Array<Pick<CaseRecord, keyof CaseSummary | 'id'>>> },
  events: readonly StoredCaseEvent[],
): Promise<LiveCaseEvent[]> {
  if (events.length === 0) return [];
  const records = await log.getRecordsById([...new Set(events.map((e) => e.caseId))]);
  const summaries = new Map(records.map((r) => [r.id, summarizeCase(r)]));
  const out: LiveCaseEvent[] = [];
  for (const e of events) {
    const summary = summaries.get(e.caseId);
    if (summary) out.push(toLiveEvent(e, summary));
  }
  return out;
}

/** In-process fan-out of committed case events. Publish only after commit, in id order. */
export class CaseBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish(events: readonly LiveCaseEvent[]): void {
    for (const e of events) this.emitter.emit('event', e);
  }
  subscribe(listener: (e: LiveCaseEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
  get listenerCount(): number {
    return this.emitter.listenerCount('event');
  }
}
