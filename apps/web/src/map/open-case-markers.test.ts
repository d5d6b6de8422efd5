import { describe, expect, it } from 'vitest';
import type { LiveCaseEvent, OpenCaseMarker } from '../lib/trpc';
import { catchUpMarkers, latestByCase, markerOf, patchMarkers } from './open-case-markers';

type LiveCase = LiveCaseEvent['case'];

const liveCase = (caseNumber: string, over: Partial<LiveCase> = {}): LiveCase => ({
  caseNumber,
  state: 'dispatched',
  version: 2,
  unitCode: 'U09',
  lat: 43.93,
  lng: 116.08,
  cellCode: null,
  communityCode: null,
  minorClassCode: 'C0302',
  hotlineCategory: 'env',
  urgency: 'normal',
  reportedAt: '2026-12-02T01:00:00.000Z',
  dispatchedAt: '2026-12-02T01:05:00.000Z',
  dueAt: '2026-12-02T05:00:00.000Z',
  limitUnit: 'working_hours',
  description: '垃圾箱满了',
  ...over,
});

let nextId = 1;
const event = (c: LiveCase, id = nextId++): LiveCaseEvent => ({
  id,
  caseNumber: c.caseNumber,
  type: 'dispatch',
  fromState: 'filed',
  toState: c.state,
  at: '2026-12-02T01:05:00.000Z',
  actorName: '王丽',
  actorRole: 'dispatcher',
  reason: null,
  case: c,
});

const marker = (caseNumber: string, version: number): OpenCaseMarker =>
  markerOf(liveCase(caseNumber, { version }))!;
const all = () => true;

describe('latestByCase', () => {
  it('keeps the newest event of each case whatever the order of the batch', () => {
    const a1 = event(liveCase('A', { version: 1 }), 10);
    const a2 = event(liveCase('A', { version: 2 }), 11);
    const b = event(liveCase('B'), 5);
    const latest = latestByCase([a2, b, a1]);
    expect([...latest.keys()]).toEqual(['A', 'B']);
    expect(latest.get('A')).toBe(a2);
  });
});

describe('patchMarkers', () => {
  it('returns the same array when no event changes a marker, so the map does not redraw', () => {
    const markers = [marker('A', 3)];
    expect(patchMarkers(markers, latestByCase([event(liveCase('A', { version: 3 }))]), all)).toBe(markers);
    // a closed case that was not on the map stays off it
    expect(patchMarkers(markers, latestByCase([event(liveCase('B', { state: 'closed' }))]), all)).toBe(
      markers,
    );
  });

  it('replaces a marker in place with the newer version and appends a new open case', () => {
    const markers = [marker('A', 1), marker('B', 1)];
    const out = patchMarkers(
      markers,
      latestByCase([
        event(liveCase('B', { version: 2, state: 'accepted' })),
        event(liveCase('C', { version: 1 })),
      ]),
      all,
    );
    expect(out.map((m) => [m[0], m[3], m[4]])).toEqual([
      ['A', 'dispatched', 1],
      ['B', 'accepted', 2],
      ['C', 'dispatched', 1],
    ]);
    expect(markers[1]?.[4]).toBe(1);
  });

  it('removes a case that closed, left the filter or lost its point', () => {
    const markers = [marker('A', 1), marker('B', 1), marker('C', 1), marker('D', 1)];
    const latest = latestByCase([
      event(liveCase('A', { version: 2, state: 'closed' })),
      event(liveCase('B', { version: 2, unitCode: 'U01' })),
      event(liveCase('C', { version: 2, lat: null, lng: null })),
    ]);
    const out = patchMarkers(markers, latest, (c) => c.unitCode === 'U09');
    expect(out.map((m) => m[0])).toEqual(['D']);
  });

  it('ignores an event older than the marker it would replace', () => {
    const markers = [marker('A', 5)];
    expect(
      patchMarkers(markers, latestByCase([event(liveCase('A', { version: 4, state: 'closed' }))]), all),
    ).toBe(markers);
  });
});

describe('catchUpMarkers', () => {
  const read = (markers: OpenCaseMarker[], position: number) => ({
    markers,
    truncated: false,
    limit: 100_000,
    position,
  });

  it('applies the live events received after the position the list was read at, and only those', () => {
    const data = read([marker('A', 2), marker('B', 1)], 20);
    const received = [
      event(liveCase('B', { version: 1, state: 'closed' }), 19), // in the list already: its B is newer
      event(liveCase('C', { version: 1 }), 21), // filed after the read
      event(liveCase('A', { version: 3, state: 'closed' }), 22), // closed after the read
    ];
    const out = catchUpMarkers(data, received, all);
    expect(out.markers.map((m) => m[0])).toEqual(['B', 'C']);
    expect(out.position).toBe(20);
    // only the map's own cases: the filter's twin decides
    expect(catchUpMarkers(data, received, (c) => c.caseNumber !== 'C').markers.map((m) => m[0])).toEqual([
      'B',
    ]);
  });

  it('returns the list itself when nothing newer was received', () => {
    const data = read([marker('A', 2)], 20);
    expect(catchUpMarkers(data, [], all)).toBe(data);
    expect(catchUpMarkers(data, [event(liveCase('Z', { version: 1 }), 20)], all)).toBe(data);
  });
});
