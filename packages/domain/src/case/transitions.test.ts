import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asUnitCode } from '../ids.ts';
import { DomainError } from '../errors.ts';
import { CASE_STATES, TERMINAL_STATES, type CaseSnapshot } from './case-state.ts';
import {
  applyCaseEvent,
  listAllowedActions,
  replayCaseEvents,
  TRANSITIONS,
  type Actor,
  type CaseAction,
  type CaseActionType,
  type CaseEventInput,
} from './transitions.ts';
import type { ActorRole } from './roles.ts';

const U1 = asUnitCode('U01');
const U2 = asUnitCode('U02');
const due = '2026-12-01T10:00:00+08:00';
const at = (i: number) => new Date(Date.UTC(2026, 10, 24, 0, i)).toISOString();
const actor = (role: ActorRole, unitCode: string | null = null): Actor => ({
  userId: 1,
  role,
  unitCode: unitCode ? asUnitCode(unitCode) : null,
});

function sampleAction(type: CaseActionType, unit = U1): CaseAction {
  switch (type) {
    case 'report':
      return { type };
    case 'verify':
      return { type };
    case 'file':
      return { type };
    case 'void':
      return { type, reason: '不属于城市管理范围' };
    case 'merge':
      return { type, targetCaseNumber: '20261124-0001' };
    case 'link_duplicate':
      return { type, duplicateCaseNumber: '20261124-0002' };
    case 'dispatch':
      return { type, unitCode: unit, dueAt: due };
    case 'redispatch':
      return { type, unitCode: unit, dueAt: due, reason: '权属调整' };
    case 'accept':
      return { type };
    case 'request_return':
      return { type, reason: '非本单位职责' };
    case 'approve_return':
      return { type };
    case 'refuse_return':
      return { type, reason: '属于本单位' };
    case 'request_extension':
      return { type, reason: '需要采购材料', amount: 8 };
    case 'approve_extension':
      return { type, dueAt: due };
    case 'refuse_extension':
      return { type, reason: '理由不足' };
    case 'request_park':
      return { type, reason: '冬季无法施工' };
    case 'approve_park':
      return { type };
    case 'refuse_park':
      return { type, reason: '可以按期完成' };
    case 'resume':
      return { type, dueAt: due };
    case 'report_disposal':
      return { type, note: '已清理完毕', attachments: [] };
    case 'close':
      return { type };
    case 'rework':
      return { type, reason: '现场仍有垃圾', dueAt: due };
    case 'callback':
      return { type, satisfaction: 5 };
    case 'urge':
      return { type, reason: '已超期，请尽快处置' };
    case 'escalate':
      return { type, reason: '超期未处置，列入督办' };
    case 'comment':
      return { type, reason: 'Open311 FixMyStreet', note: '还没有修好' };
  }
}

const run = (steps: Array<[CaseActionType, Actor]>) => {
  const events: CaseEventInput[] = steps.map(([type, a], i) => ({
    action: sampleAction(type),
    actor: a,
    at: at(i),
  }));
  return { events, snap: replayCaseEvents(events) };
};

describe('the case state machine', () => {
  it('walks the whole closed loop from report to callback', () => {
    const { snap } = run([
      ['report', actor('operator')],
      ['file', actor('operator')],
      ['dispatch', actor('system')],
      ['accept', actor('unit_staff', 'U01')],
      ['report_disposal', actor('unit_staff', 'U01')],
      ['rework', actor('inspector')],
      ['report_disposal', actor('unit_staff', 'U01')],
      ['close', actor('shift_lead')],
      ['callback', actor('operator')],
    ]);
    expect(snap.state).toBe('callback_done');
    expect(snap.reworkCount).toBe(1);
    expect(snap.unitCode).toBe('U01');
    expect(snap.satisfaction).toBe(5);
    expect(snap.version).toBe(9);
  });

  it('keeps the disposal time from the first dispatch to the latest disposal, and forgets it on rework', () => {
    const steps: Array<[CaseActionType, Actor]> = [
      ['report', actor('operator')],
      ['file', actor('operator')],
      ['dispatch', actor('system')],
      ['accept', actor('unit_staff', 'U01')],
      ['report_disposal', actor('unit_staff', 'U01')],
    ];
    const { snap } = run(steps);
    // dispatched at minute 2, disposed at minute 4
    expect(snap.disposalMillis).toBe(2 * 60_000);
    const reworked = applyCaseEvent(snap, {
      action: sampleAction('rework'),
      actor: actor('inspector'),
      at: at(10),
    });
    expect(reworked.disposalMillis).toBeNull();
    const again = applyCaseEvent(reworked, {
      action: sampleAction('report_disposal'),
      actor: actor('unit_staff', 'U01'),
      at: at(30),
    });
    // still counted from the first dispatch, not from the rework
    expect(again.disposalMillis).toBe(28 * 60_000);
    expect(run(steps.slice(0, 4)).snap.disposalMillis).toBeNull();
  });

  it('sends an approved return back to the dispatch queue and counts a redispatch to another unit', () => {
    let s = run([
      ['report', actor('operator')],
      ['file', actor('operator')],
      ['dispatch', actor('system')],
    ]).snap;
    s = applyCaseEvent(s, {
      action: sampleAction('request_return'),
      actor: actor('unit_staff', 'U01'),
      at: at(10),
    });
    expect(s.state).toBe('return_requested');
    s = applyCaseEvent(s, { action: sampleAction('approve_return'), actor: actor('dispatcher'), at: at(11) });
    expect(s.state).toBe('filed');
    s = applyCaseEvent(s, { action: sampleAction('dispatch', U2), actor: actor('dispatcher'), at: at(12) });
    expect(s.unitCode).toBe('U02');
    expect(s.redispatchCount).toBe(1);
    expect(s.dispatchCount).toBe(2);
  });

  it('refuses a second extension', () => {
    let s = run([
      ['report', actor('operator')],
      ['file', actor('operator')],
      ['dispatch', actor('system')],
      ['accept', actor('unit_staff', 'U01')],
    ]).snap;
    s = applyCaseEvent(s, {
      action: sampleAction('request_extension'),
      actor: actor('unit_staff', 'U01'),
      at: at(5),
    });
    s = applyCaseEvent(s, {
      action: sampleAction('approve_extension'),
      actor: actor('shift_lead'),
      at: at(6),
    });
    expect(s.extensionCount).toBe(1);
    expect(s.extensionAmount).toBe(8);
    expect(listAllowedActions(s, actor('unit_staff', 'U01'))).not.toContain('request_extension');
    expect(() =>
      applyCaseEvent(s, {
        action: sampleAction('request_extension'),
        actor: actor('unit_staff', 'U01'),
        at: at(7),
      }),
    ).toThrow(/at most 1/);
  });

  it('forbids staff of another unit and names the field', () => {
    const s = run([
      ['report', actor('operator')],
      ['file', actor('operator')],
      ['dispatch', actor('system')],
    ]).snap;
    try {
      applyCaseEvent(s, { action: sampleAction('accept'), actor: actor('unit_staff', 'U02'), at: at(4) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('FORBIDDEN');
      expect((e as DomainError).details.field).toBe('unitCode');
    }
  });

  it('requires a reason to void and names the missing field', () => {
    const s = run([['report', actor('operator')]]).snap;
    expect(() =>
      applyCaseEvent(s, { action: { type: 'void', reason: '  ' }, actor: actor('shift_lead'), at: at(2) }),
    ).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: expect.objectContaining({ field: 'reason' }) }),
    );
  });

  it('rejects an illegal transition with the current state', () => {
    const s = run([['report', actor('operator')]]).snap;
    expect(() =>
      applyCaseEvent(s, { action: sampleAction('close'), actor: actor('shift_lead'), at: at(2) }),
    ).toThrow(
      expect.objectContaining({
        code: 'ILLEGAL_TRANSITION',
        details: expect.objectContaining({ state: 'reported' }),
      }),
    );
  });

  it('never reaches an illegal state on random action sequences and always replays to the same snapshot', () => {
    const roles: ActorRole[] = [
      'operator',
      'inspector',
      'shift_lead',
      'dispatcher',
      'unit_staff',
      'supervisor',
      'system',
      'public',
    ];
    const types = Object.keys(TRANSITIONS) as CaseActionType[];
    const stepArb = fc.record({
      type: fc.constantFrom(...types),
      role: fc.constantFrom(...roles),
      unit: fc.constantFrom('U01', 'U02'),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        let snap: CaseSnapshot = applyCaseEvent(null, {
          action: { type: 'report' },
          actor: actor('operator'),
          at: at(0),
        });
        const accepted: CaseEventInput[] = [
          { action: { type: 'report' }, actor: actor('operator'), at: at(0) },
        ];
        steps.forEach((st, i) => {
          const a = actor(st.role, st.role === 'unit_staff' ? st.unit : null);
          const ev: CaseEventInput = {
            action: sampleAction(st.type, asUnitCode(st.unit)),
            actor: a,
            at: at(i + 1),
          };
          const allowed = listAllowedActions(snap, a).includes(st.type);
          let next: CaseSnapshot | null = null;
          try {
            next = applyCaseEvent(snap, ev);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
          }
          // listAllowedActions is exactly the set of actions applyCaseEvent accepts (with valid payloads),
          // except the automatic ones the system records as side effects: those are never offered
          if (TRANSITIONS[st.type].automatic) expect(allowed).toBe(false);
          else expect(next !== null).toBe(allowed);
          if (next) {
            const rule = TRANSITIONS[st.type];
            expect(rule.from !== 'none' && rule.from.includes(snap.state)).toBe(true);
            expect(CASE_STATES).toContain(next.state);
            expect(next.version).toBe(snap.version + 1);
            expect(TERMINAL_STATES.has(snap.state)).toBe(false);
            snap = next;
            accepted.push(ev);
          }
          // invariants of every reachable snapshot
          if (['dispatched', 'accepted', 'disposed', 'closed'].includes(snap.state))
            expect(snap.unitCode).not.toBeNull();
          expect(snap.extensionCount).toBeLessThanOrEqual(1);
        });
        expect(replayCaseEvents(accepted)).toEqual(snap);
      }),
      { numRuns: 300 },
    );
  });
});

describe('who may ask for an action on an existing case (cases.act)', () => {
  it('follows the transitions table, without intake-only, automatic and partner-app actions', async () => {
    const { mayRequestAction, requestableActions, ACTING_ROLES } = await import('./transitions.ts');
    expect(mayRequestAction('dispatcher', 'dispatch')).toBe(true);
    expect(mayRequestAction('unit_staff', 'accept')).toBe(true);
    expect(mayRequestAction('unit_staff', 'dispatch')).toBe(false);
    // the operator files and merges only the call being taken
    expect(mayRequestAction('operator', 'file')).toBe(false);
    expect(mayRequestAction('operator', 'merge')).toBe(false);
    expect(mayRequestAction('shift_lead', 'file')).toBe(true);
    expect(mayRequestAction('operator', 'callback')).toBe(true);
    for (const role of [
      'operator',
      'inspector',
      'shift_lead',
      'dispatcher',
      'unit_staff',
      'system',
      'public',
    ] as const) {
      expect(requestableActions(role)).not.toContain('report');
      expect(requestableActions(role)).not.toContain('link_duplicate');
      expect(requestableActions(role)).not.toContain('comment');
    }
    expect([...ACTING_ROLES].sort()).toEqual([
      'dispatcher',
      'inspector',
      'operator',
      'shift_lead',
      'supervisor',
      'unit_staff',
    ]);
    // 催办 / 督办: the supervisors' only actions
    expect(requestableActions('supervisor')).toEqual(['urge', 'escalate']);
  });
});

describe('催办 and 督办 on an overdue case', () => {
  const dispatchedDueAt = '2026-11-24T02:00:00.000Z';
  const dispatched = (): CaseSnapshot =>
    replayCaseEvents([
      { action: { type: 'report' }, actor: actor('operator'), at: '2026-11-24T00:00:00.000Z' },
      { action: { type: 'file' }, actor: actor('operator'), at: '2026-11-24T00:01:00.000Z' },
      {
        action: { type: 'dispatch', unitCode: U1, dueAt: dispatchedDueAt },
        actor: actor('system'),
        at: '2026-11-24T00:02:00.000Z',
      },
    ]);
  const late = '2026-11-24T03:00:00.000Z';
  const early = '2026-11-24T01:00:00.000Z';

  it('lets a supervisor urge an overdue case: one more event, the state and the unit unchanged', () => {
    const before = dispatched();
    const after = applyCaseEvent(before, {
      action: { type: 'urge', reason: '已超期，请尽快处置' },
      actor: actor('supervisor'),
      at: late,
    });
    expect(after.state).toBe('dispatched');
    expect(after.unitCode).toBe(U1);
    expect(after.version).toBe(before.version + 1);
    expect(after.dueAt).toBe(before.dueAt);
  });

  it('refuses to urge or escalate a case that is not yet overdue', () => {
    for (const type of ['urge', 'escalate'] as const) {
      expect(() =>
        applyCaseEvent(dispatched(), {
          action: { type, reason: '请尽快' },
          actor: actor('supervisor'),
          at: early,
        }),
      ).toThrow(/overdue/);
    }
  });

  it('refuses urging by unit staff and operators, and without a reason', () => {
    expect(() =>
      applyCaseEvent(dispatched(), {
        action: { type: 'escalate', reason: '督办' },
        actor: actor('unit_staff', 'U01'),
        at: late,
      }),
    ).toThrow(DomainError);
    expect(() =>
      applyCaseEvent(dispatched(), {
        action: { type: 'urge', reason: '催办' },
        actor: actor('operator'),
        at: late,
      }),
    ).toThrow(DomainError);
    expect(() =>
      applyCaseEvent(dispatched(), {
        action: { type: 'urge', reason: ' ' },
        actor: actor('shift_lead'),
        at: late,
      }),
    ).toThrow(/reason/);
  });

  it('offers urge and escalate to supervisors only when the case is overdue now', () => {
    expect(listAllowedActions(dispatched(), actor('supervisor'), early)).toEqual([]);
    expect(listAllowedActions(dispatched(), actor('supervisor'), late)).toEqual(['urge', 'escalate']);
    expect(listAllowedActions(dispatched(), actor('supervisor'))).toEqual([]);
  });
});
