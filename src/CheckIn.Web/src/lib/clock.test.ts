import { describe, expect, it } from 'vitest';
import { ServerClock } from './clock';

describe('ServerClock', () => {
  it('is the browser clock before any Date header', () => {
    const clock = new ServerClock(() => 1_000);
    expect(clock.offsetMs()).toBe(0);
    expect(clock.now()).toBe(1_000);
  });

  it('corrects the browser clock by the offset the Date headers show (half a second for truncation)', () => {
    const local = Date.parse('2026-12-03T12:00:00Z');
    const clock = new ServerClock(() => local);
    clock.observe('Thu, 03 Dec 2026 12:00:30 GMT');
    expect(clock.offsetMs()).toBe(30_500);
    expect(clock.now()).toBe(local + 30_500);
  });

  it('keeps the median of recent samples, so one slow response does not move it', () => {
    let local = Date.parse('2026-12-03T12:00:00Z');
    const clock = new ServerClock(() => local);
    for (const header of ['Thu, 03 Dec 2026 12:00:10 GMT', 'Thu, 03 Dec 2026 12:00:10 GMT', 'Thu, 03 Dec 2026 11:59:00 GMT']) {
      clock.observe(header);
    }
    expect(clock.offsetMs()).toBe(10_500);
    local += 5_000;
    expect(clock.now()).toBe(Date.parse('2026-12-03T12:00:15.5Z'));
  });

  it('ignores missing and unreadable headers', () => {
    const clock = new ServerClock(() => 0);
    clock.observe(null);
    clock.observe('not a date');
    expect(clock.offsetMs()).toBe(0);
  });
});
