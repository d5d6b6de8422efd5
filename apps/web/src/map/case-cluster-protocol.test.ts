import { describe, expect, it } from 'vitest';
import { CasePatchBuilder, CaseSlots, transferablesOf } from './case-cluster-protocol';

describe('CasePatchBuilder', () => {
  it('hands out exactly the upserts and removals collected, column by column', () => {
    const b = new CasePatchBuilder(10);
    expect(b.empty).toBe(true);
    b.upsert(3, 43.93, 116.07, 5);
    b.remove(7);
    b.upsert(0, 43.9, 116.1, 0);
    expect(b.empty).toBe(false);
    const p = b.build();
    expect([...p.slots]).toEqual([3, 0]);
    expect([...p.lat]).toEqual([43.93, 43.9]);
    expect([...p.lng]).toEqual([116.07, 116.1]);
    expect([...p.rank]).toEqual([5, 0]);
    expect([...p.remove]).toEqual([7]);
  });

  it('gives every column a buffer of its own that transfers (nothing left of the capacity)', () => {
    const b = new CasePatchBuilder(10_000);
    b.upsert(1, 1, 2, 3);
    const p = b.build();
    const buffers = transferablesOf(p);
    expect(new Set(buffers).size).toBe(5);
    expect(p.lat.buffer.byteLength).toBe(8);
    const { port1 } = new MessageChannel();
    port1.postMessage(p, buffers);
    port1.close();
    // transferred: the sender's arrays are detached
    expect(p.slots.length).toBe(0);
  });
});

describe('CaseSlots', () => {
  it('hands out a new slot per case', () => {
    const s = new CaseSlots();
    expect([s.take('A'), s.take('B')]).toEqual([0, 1]);
    expect(s.caseAt(1)).toBe('B');
  });

  it('frees a released slot only once the worker has answered with its patch applied', () => {
    const s = new CaseSlots();
    const a = s.take('A');
    s.take('B');
    s.patchSent(); // patch 1: A and B
    s.release(a); // removed in patch 2
    expect(s.caseAt(a)).toBeUndefined();
    s.patchSent();
    // an answer computed before patch 2 may still name slot a (for A): a is not handed out yet
    s.applied(1);
    expect(s.take('C')).toBe(2);
    s.patchSent();
    s.applied(2);
    expect(s.take('D')).toBe(a);
    expect(s.caseAt(a)).toBe('D');
  });
});
