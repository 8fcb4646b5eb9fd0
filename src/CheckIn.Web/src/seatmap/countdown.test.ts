import { describe, expect, it } from 'vitest';
import { formatRemaining, nextTickMs, remainingMs } from './countdown';
import { ServerClock } from '../lib/clock';

describe('hold countdown', () => {
  it('formats whole seconds left, rounded up', () => {
    expect(formatRemaining(118_000)).toBe('1:58');
    expect(formatRemaining(117_001)).toBe('1:58');
    expect(formatRemaining(59_999)).toBe('1:00');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(-5)).toBe('0:00');
  });

  it('counts to the server time of holdExpiresAt, corrected by the Date header offset', () => {
    // The browser clock is 10 minutes slow: without the correction the hold would show 12:00 left.
    let local = Date.parse('2026-12-03T11:50:00Z');
    const clock = new ServerClock(() => local);
    clock.observe('Thu, 03 Dec 2026 12:00:00 GMT');
    const left = remainingMs('2026-12-03T12:02:00+00:00', clock.now());
    expect(formatRemaining(left)).toBe('2:00');
    local += 2_000;
    expect(formatRemaining(remainingMs('2026-12-03T12:02:00+00:00', clock.now()))).toBe('1:58');
    local += 120_000;
    expect(remainingMs('2026-12-03T12:02:00+00:00', clock.now())).toBe(0);
  });

  it('reads missing or unreadable expiries as expired', () => {
    expect(remainingMs(undefined, 0)).toBe(0);
    expect(remainingMs('soon', 0)).toBe(0);
  });

  it('repaints when the shown second changes, at most once a second', () => {
    expect(nextTickMs([])).toBe(1000);
    expect(nextTickMs([118_300])).toBe(300);
    expect(nextTickMs([5_000, 2_750])).toBe(750);
    expect(nextTickMs([0])).toBe(1000);
  });
});
