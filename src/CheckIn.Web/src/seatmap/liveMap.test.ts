import { describe, expect, it } from 'vitest';
import { LiveSeatMap } from './liveMap';
import { testMap, withSeats } from './testMap';

const T0 = Date.parse('2026-12-03T12:00:00Z');
const exp = '2026-12-03T12:02:00+00:00';
const status = (m: LiveSeatMap, seat: string, now = T0) => m.view(seat, now)?.status;

describe('LiveSeatMap version ordering', () => {
  it('applies a seats event only when newer than the map shown', () => {
    const m = new LiveSeatMap();
    m.applyFull(testMap({ version: 10 }), T0);
    expect(m.applySeats({ version: 11, seats: [{ seatNumber: '5A', status: 'HELD', holdExpiresAt: exp }] }, T0)).toBe(true);
    expect(m.applySeats({ version: 11, seats: [{ seatNumber: '5A', status: 'AVAILABLE' }] }, T0)).toBe(false);
    expect(m.applySeats({ version: 9, seats: [{ seatNumber: '5A', status: 'CONFIRMED' }] }, T0)).toBe(false);
    expect(status(m, '5A')).toBe('HELD');
    expect(m.version).toBe(11);
  });

  it('replaces the map with a full map only when it is not older (also after a reconnect)', () => {
    const m = new LiveSeatMap();
    m.applyFull(testMap({ version: 10 }), T0);
    m.applySeats({ version: 12, seats: [{ seatNumber: '5A', status: 'CONFIRMED' }] }, T0);
    expect(m.applyFull(testMap({ version: 11 }), T0)).toBe(false);
    expect(status(m, '5A')).toBe('CONFIRMED');
    expect(m.applyFull(withSeats(testMap(), { '5A': { status: 'BLOCKED' } }, 12), T0)).toBe(true);
    expect(status(m, '5A')).toBe('BLOCKED');
  });

  it("keeps a command's answer over an older stream event until a newer map shows it", () => {
    const m = new LiveSeatMap();
    m.applyFull(testMap({ version: 10 }), T0);
    m.applyAnswer('hold', 'ABC123-1', { flightId: 'SH101', seatNumber: '5A', status: 'HELD', passengerId: 'ABC123-1', holdExpiresAt: exp }, T0);
    expect(m.owner('5A', T0)?.passengerId).toBe('ABC123-1');
    // A change made before the hold (seat 6A) reaches the stream late: 5A stays held.
    m.applySeats({ version: 11, seats: [{ seatNumber: '6A', status: 'HELD', holdExpiresAt: exp }] }, T0 + 100);
    expect(status(m, '5A', T0 + 100)).toBe('HELD');
    // A full map at the old version (a reconnect to a lagging process) does not undo it either.
    m.applyFull(testMap({ version: 11 }), T0 + 200);
    expect(status(m, '5A', T0 + 200)).toBe('HELD');
    // The hold itself arrives; later someone else's change to 5A shows normally.
    m.applySeats({ version: 12, seats: [{ seatNumber: '5A', status: 'HELD', holdExpiresAt: exp }] }, T0 + 300);
    m.applySeats({ version: 13, seats: [{ seatNumber: '5A', status: 'AVAILABLE' }] }, T0 + 400);
    expect(status(m, '5A', T0 + 400)).toBe('AVAILABLE');
  });

  it('lets the map win once it has moved a pinned seat on and the grace has passed', () => {
    const m = new LiveSeatMap(2000);
    m.applyFull(withSeats(testMap(), { '5A': { status: 'HELD', holdExpiresAt: exp } }, 10), T0, false);
    m.applyAnswer('release', 'ABC123-1', { flightId: 'SH101', seatNumber: '5A', status: 'AVAILABLE' }, T0);
    // The map skipped the release (a full map after falling behind) and shows the seat taken by someone else.
    m.applyFull(withSeats(testMap(), { '5A': { status: 'CONFIRMED' } }, 14), T0 + 500);
    expect(status(m, '5A', T0 + 500)).toBe('AVAILABLE');
    expect(m.tick(T0 + 2500)).toBe(true);
    expect(status(m, '5A', T0 + 2500)).toBe('CONFIRMED');
  });

  it("takes the booking's own seats from a GET, and moves a passenger's seat on a new hold", () => {
    const m = new LiveSeatMap();
    const get = withSeats(testMap(), { '7C': { status: 'HELD', holdExpiresAt: exp } }, 10);
    m.applyFull({ ...get, yourSeats: [{ passengerId: 'ABC123-1', seatNumber: '7C', status: 'HELD', holdExpiresAt: exp }] }, T0, true);
    expect(m.owner('7C', T0)?.passengerId).toBe('ABC123-1');
    m.applyAnswer('hold', 'ABC123-1', { flightId: 'SH101', seatNumber: '8C', status: 'HELD', passengerId: 'ABC123-1', holdExpiresAt: exp }, T0);
    expect(m.yours.map((y) => y.seatNumber)).toEqual(['8C']);
    expect(status(m, '7C')).toBe('AVAILABLE');
    expect(m.owner('7C', T0)).toBeUndefined();
  });

  it('ignores yourSeats of a GET that is not the newest knowledge', () => {
    const m = new LiveSeatMap();
    m.applyFull({ ...testMap(), yourSeats: [{ passengerId: 'ABC123-1', seatNumber: '7C', status: 'CONFIRMED' }] }, T0, false);
    expect(m.yours).toEqual([]);
  });
});

describe('LiveSeatMap hold expiry', () => {
  it('frees an own hold on screen the moment it expires, reporting it once', () => {
    const m = new LiveSeatMap();
    m.applyFull(testMap(), T0);
    m.applyAnswer('hold', 'ABC123-1', { flightId: 'SH101', seatNumber: '5A', status: 'HELD', passengerId: 'ABC123-1', holdExpiresAt: exp }, T0);
    const at = Date.parse(exp);
    expect(m.expireOwnHolds(at - 1)).toEqual([]);
    expect(m.expireOwnHolds(at).map((y) => y.seatNumber)).toEqual(['5A']);
    expect(status(m, '5A', at)).toBe('AVAILABLE');
    expect(m.owner('5A', at)).toBeUndefined();
    // A GET read before the server's reminder fired still lists the hold: no second message.
    m.applyFull({ ...withSeats(testMap(), { '5A': { status: 'HELD', holdExpiresAt: exp } }, 11), yourSeats: [{ passengerId: 'ABC123-1', seatNumber: '5A', status: 'HELD', holdExpiresAt: exp }] }, at + 10, true);
    expect(m.expireOwnHolds(at + 20)).toEqual([]);
    expect(status(m, '5A', at + 20)).toBe('AVAILABLE');
  });

  it("shows anyone's hold as available once its expiry has passed", () => {
    const m = new LiveSeatMap();
    m.applyFull(withSeats(testMap(), { '9F': { status: 'HELD', holdExpiresAt: exp } }), T0);
    expect(status(m, '9F', Date.parse(exp) - 1)).toBe('HELD');
    expect(status(m, '9F', Date.parse(exp))).toBe('AVAILABLE');
  });
});
