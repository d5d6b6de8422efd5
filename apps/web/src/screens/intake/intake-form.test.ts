import { describe, expect, it } from 'vitest';
import {
  initialIntakeForm,
  intakeFormReducer as reduce,
  intakeSubmission,
  type IntakeFormState,
} from './intake-form';

const filled = (): IntakeFormState => ({
  ...initialIntakeForm('key-1'),
  phone: ' 138 0000 0001 ',
  name: ' 张三 ',
  nature: 'help',
  hotlineCategory: 'env',
  categoryQuery: 'lj',
  minorClassCode: 'C0302',
  description: ' 垃圾箱满了 ',
  urgent: true,
  location: { lat: 43.93, lng: 116.08 },
  address: '锡林大街',
  placeQuery: '锡林',
});

describe('the intake form reducer', () => {
  it('starts empty, as a complaint, not urgent, with the key it is given', () => {
    const s = initialIntakeForm('k');
    expect(s).toMatchObject({
      key: 'k',
      phone: '',
      nature: 'complaint',
      urgent: false,
      minorClassCode: null,
      location: null,
    });
  });

  it('edits one field and returns the same state when nothing changes', () => {
    const s = initialIntakeForm('k');
    const next = reduce(s, { type: 'edit', field: 'phone', value: '138' });
    expect(next.phone).toBe('138');
    expect(next.name).toBe('');
    expect(reduce(next, { type: 'edit', field: 'phone', value: '138' })).toBe(next);
  });

  it('clears the search text when a class is picked but keeps the hotline-category filter', () => {
    const s = reduce(
      { ...initialIntakeForm('k'), hotlineCategory: 'env', categoryQuery: 'ljx' },
      { type: 'pickClass', code: 'C0302' },
    );
    expect(s).toMatchObject({ minorClassCode: 'C0302', categoryQuery: '', hotlineCategory: 'env' });
  });

  it('takes a picked place as point and address, and drops the address when a map point is picked', () => {
    const placed = reduce(
      { ...initialIntakeForm('k'), placeQuery: '锡林' },
      { type: 'pickPlace', place: { lat: 43.9, lng: 116.1, name: '锡林大街' } },
    );
    expect(placed).toMatchObject({
      location: { lat: 43.9, lng: 116.1 },
      address: '锡林大街',
      placeQuery: '',
    });
    const clicked = reduce(placed, { type: 'pickPoint', point: { lat: 43.8, lng: 116.2 } });
    expect(clicked).toMatchObject({ location: { lat: 43.8, lng: 116.2 }, address: '' });
  });

  it('toggles and sets urgency', () => {
    const s = reduce(initialIntakeForm('k'), { type: 'toggleUrgent' });
    expect(s.urgent).toBe(true);
    expect(reduce(s, { type: 'toggleUrgent' }).urgent).toBe(false);
    expect(reduce(s, { type: 'setUrgent', urgent: false }).urgent).toBe(false);
    expect(reduce(s, { type: 'setNature', nature: 'praise' }).nature).toBe('praise');
  });

  it('empties every field after filing, with a new key', () => {
    expect(reduce(filled(), { type: 'filed', nextKey: 'key-2' })).toEqual(initialIntakeForm('key-2'));
  });
});

describe('intakeSubmission', () => {
  it('trims the texts, sends empty optional fields as null and maps urgency', () => {
    const s = { ...filled(), minorClassCode: 'C0302' };
    expect(intakeSubmission(s)).toEqual({
      callerPhone: '138 0000 0001',
      callerName: '张三',
      nature: 'help',
      minorClassCode: 'C0302',
      description: '垃圾箱满了',
      urgency: 'urgent',
      location: { lat: 43.93, lng: 116.08 },
      address: '锡林大街',
      duplicateOf: null,
      idempotencyKey: 'key-1',
    });
    const bare = { ...initialIntakeForm('k2'), minorClassCode: 'E0101' };
    expect(intakeSubmission(bare)).toMatchObject({
      callerPhone: null,
      callerName: null,
      address: null,
      urgency: 'normal',
    });
  });

  it('links a duplicate under its own key, so it never replays the plain submission', () => {
    const s = { ...filled(), minorClassCode: 'C0302' };
    expect(intakeSubmission(s, '20261202-0001')).toMatchObject({
      duplicateOf: '20261202-0001',
      idempotencyKey: 'key-1-dup',
    });
  });
});
