import { describe, expect, it } from 'vitest';
import { featureWords, seatLabel, seatState, whyNot } from './labels';

describe('seat accessible names', () => {
  it('start with the seat, then features in a fixed order, then the state', () => {
    expect(seatLabel('12A', ['EXTRA_LEGROOM', 'EXIT_ROW', 'WINDOW'], 'available')).toBe('12A, window, exit row, extra legroom, available');
    expect(seatLabel('5B', ['MIDDLE'], 'held')).toBe('5B, middle, held');
    expect(seatLabel('7C', [], 'blocked')).toBe('7C, blocked');
  });

  it('say every state in words', () => {
    expect(seatState('AVAILABLE', false)).toBe('available');
    expect(seatLabel('1A', ['WINDOW'], seatState('CONFIRMED', false))).toBe('1A, window, occupied');
    expect(seatLabel('1A', ['WINDOW'], seatState('OFFERED', false))).toBe('1A, window, offered to waitlist');
    expect(seatLabel('1A', ['WINDOW'], seatState('BLOCKED', false))).toBe('1A, window, blocked');
  });

  it("mark the booking's own seats as yours", () => {
    expect(seatLabel('12A', ['WINDOW'], seatState('HELD', true))).toBe('12A, window, held, yours');
    expect(seatLabel('12A', ['WINDOW'], seatState('CONFIRMED', true))).toBe('12A, window, confirmed, yours');
  });

  it('orders aisle after window and middle', () => {
    expect(featureWords(['AISLE', 'EXTRA_LEGROOM'])).toEqual(['aisle', 'extra legroom']);
  });

  it('explain why a seat cannot be acted on', () => {
    expect(whyNot('3C', 'occupied')).toBe('3C is taken.');
    expect(whyNot('3C', 'held-yours', 'Bob Jones')).toMatch(/held for Bob Jones/);
  });
});
