/** Places, a controllable clock and a valid intake: the inputs tests share. */
import type { Clock } from '@citygrid/api';

/** A point inside the shipped grid (the centre of Xilinhot) and one outside it. */
export const CITY_CENTRE = { lat: 43.934, lng: 116.086 };
export const OUTSIDE_GRID = { lat: 43.8, lng: 115.9 };

/** A controllable clock for deadline tests. */
export class TestClock implements Clock {
  constructor(private t: number) {}
  now() {
    return new Date(this.t);
  }
  set(iso: string) {
    this.t = Date.parse(iso);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** A valid hotline intake that routes to U09 (垃圾箱 at the city centre). */
export function intakeInput(description: string, phone: string, extra: Record<string, unknown> = {}) {
  return {
    callerPhone: phone,
    callerName: '可靠性测试',
    nature: 'complaint' as const,
    minorClassCode: 'C0302',
    description,
    urgency: 'normal' as const,
    location: { ...CITY_CENTRE },
    ...extra,
  };
}

/** The same intake as a raw tRPC request body (superjson envelope), for load generators. */
export const INTAKE_BODY = JSON.stringify({
  json: {
    nature: 'complaint',
    minorClassCode: 'C0302',
    description: '垃圾箱满溢，周边有异味，请尽快处理',
    urgency: 'normal',
    location: CITY_CENTRE,
    callerPhone: '13800000000',
  },
});
