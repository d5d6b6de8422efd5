import { describe, expect, it } from 'vitest';
import { getDefaultWorkCalendar } from '../calendar/default-calendar.ts';
import { buildCaseAction, type ActionBasis } from './build-action.ts';

const calendar = getDefaultWorkCalendar();
// Wednesday 2 December 2026, 10:00 in Xilinhot (UTC+8)
const now = new Date('2026-12-02T02:00:00Z');
const basis: ActionBasis = {
  limitAmount: 4,
  limitUnit: 'working_hours',
  dueAt: '2026-12-02T06:00:00.000Z',
  pendingExtensionAmount: 8,
};

describe('turning a request into a case action', () => {
  it('gives a dispatch a deadline from the case’s own limit on the working calendar', () => {
    const action = buildCaseAction({ type: 'dispatch', unitCode: 'U09' }, basis, now, calendar);
    expect(action).toEqual({
      type: 'dispatch',
      unitCode: 'U09',
      dueAt: calendar.addTimeLimit(now, { amount: 4, unit: 'working_hours' }).toISOString(),
    });
    // four working hours from 10:00 end at 14:00 (after the lunch break, if the calendar has one)
    expect(Date.parse((action as { dueAt: string }).dueAt)).toBeGreaterThanOrEqual(
      Date.parse('2026-12-02T06:00:00Z'),
    );
  });

  it('gives a rework and a resume a fresh deadline, keeping the reason or note', () => {
    const rework = buildCaseAction({ type: 'rework', reason: '未清理干净' }, basis, now, calendar);
    const resume = buildCaseAction({ type: 'resume', note: '恢复' }, basis, now, calendar);
    const fresh = calendar.addTimeLimit(now, { amount: 4, unit: 'working_hours' }).toISOString();
    expect(rework).toEqual({ type: 'rework', reason: '未清理干净', dueAt: fresh });
    expect(resume).toEqual({ type: 'resume', note: '恢复', dueAt: fresh });
  });

  it('moves the current deadline by the amount the unit asked for, and records how long', () => {
    const action = buildCaseAction({ type: 'approve_extension', note: '同意' }, basis, now, calendar);
    expect(action).toMatchObject({
      type: 'approve_extension',
      note: '同意',
      amount: 8,
      unit: 'working_hours',
    });
    const dueAt = Date.parse((action as { dueAt: string }).dueAt);
    expect(dueAt).toBeGreaterThan(Date.parse(basis.dueAt!));
    expect(new Date(dueAt).toISOString()).toBe(
      calendar.addTimeLimit(new Date(basis.dueAt!), { amount: 8, unit: 'working_hours' }).toISOString(),
    );
  });

  it('passes every other request through unchanged', () => {
    expect(buildCaseAction({ type: 'close', note: '核查通过' }, basis, now, calendar)).toEqual({
      type: 'close',
      note: '核查通过',
    });
    expect(
      buildCaseAction({ type: 'request_extension', reason: '材料未到', amount: 8 }, basis, now, calendar),
    ).toEqual({ type: 'request_extension', reason: '材料未到', amount: 8 });
  });
});
