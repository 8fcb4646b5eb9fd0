import { describe, expect, it } from 'vitest';
import { describeProblem, parseRetryAfter } from './problem';

describe('describeProblem', () => {
  it('shows the problem detail and keeps its code and field', () => {
    const info = describeProblem({ code: 'VALIDATION_FAILED', detail: 'The PNR must be 6 letters or digits.', field: 'pnr' }, 400, new Headers());
    expect(info).toEqual({ code: 'VALIDATION_FAILED', status: 400, message: 'The PNR must be 6 letters or digits.', field: 'pnr' });
  });

  it('turns a 429 into "try again in N s" from Retry-After', () => {
    const info = describeProblem({ code: 'RATE_LIMITED', detail: 'Too many seat-map reads.' }, 429, new Headers({ 'Retry-After': '17' }));
    expect(info.message).toBe('Too many seat-map reads. Try again in 17 s.');
    expect(info.retryAfterSeconds).toBe(17);
  });

  it('says the wait once when the detail already names the time', () => {
    const info = describeProblem({ code: 'RATE_LIMITED', detail: 'Too many sign-ins. Try again after 2026-12-03T20:43:50Z.' }, 429, new Headers({ 'Retry-After': '60' }));
    expect(info.message).toBe('Too many sign-ins. Try again in 60 s.');
  });

  it('never shows a raw status code when there is no problem body', () => {
    const info = describeProblem(undefined, 502, new Headers());
    expect(info.code).toBe('HTTP_502');
    expect(info.message).not.toMatch(/502/);
  });

  it('describes an unreachable service', () => {
    expect(describeProblem(undefined, 0, new Headers()).code).toBe('NETWORK_ERROR');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('5')).toBe(5);
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:10 GMT', Date.parse('Thu, 03 Dec 2026 10:00:00 GMT'))).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
