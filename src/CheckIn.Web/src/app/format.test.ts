import { describe, expect, it } from 'vitest';
import { byDeparture, checkInStateWords, flightLabel, money, statusLine } from './format';
import { checkIn, passengers } from './testing';

describe('format', () => {
  it('labels a flight "SH101 · 3 Dec, 14:00" in local time', () => {
    const departure = new Date(2026, 11, 3, 14, 0).toISOString();
    expect(flightLabel({ flightId: 'SH101', departure })).toBe('SH101 · 3 Dec, 14:00');
  });

  it('orders flights by departure', () => {
    const flights = byDeparture([
      { flightId: 'SH202', departure: '2026-12-05T08:00:00Z' },
      { flightId: 'SH101', departure: '2026-12-03T14:00:00Z' },
    ]);
    expect(flights.map((f) => f.flightId)).toEqual(['SH101', 'SH202']);
  });

  it('says each passenger\'s seat and check-in state in words', () => {
    const john = passengers[0]!;
    expect(statusLine(john, checkIn('ABC123-1', 'COMPLETED', { seatNumber: '12A' }), undefined)).toBe('John Smith: seat 12A, Checked in');
    expect(statusLine(john, checkIn('ABC123-1', 'IN_PROGRESS'), '14C')).toBe('John Smith: seat 14C, In progress');
    expect(statusLine(john, undefined, undefined)).toBe('John Smith: no seat, Not started');
    expect(checkInStateWords('WAITING_FOR_PAYMENT')).toBe('Waiting for payment');
    expect(checkInStateWords('CANCELLED')).toBe('Cancelled');
  });

  it('shows money with two decimals', () => {
    expect(money({ amount: 50, currency: 'EUR' })).toBe('EUR 50.00');
  });
});
