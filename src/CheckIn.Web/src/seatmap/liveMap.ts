import type { SeatMapResponse, SeatResponse } from '../api/client';
import type { YourSeat } from '../app/contracts';
import type { SeatStatus } from './labels';

/** A seat's state as shown. */
export interface SeatView {
  status: SeatStatus;
  holdExpiresAt?: string;
}

/** The data of a stream `seats` event. */
export interface SeatsEvent {
  version: number;
  seats: { seatNumber: string; status: SeatStatus; holdExpiresAt?: string | null }[];
}

/**
 * What the booking itself knows about a seat that is newer than the map shown: a command's answer, its own
 * seats from an authenticated GET, a hold that expired on screen. It wins until the map catches up.
 */
interface Pin {
  view: SeatView;
  /** The map's version when pinned: only a newer map showing the same state releases the pin. */
  sinceVersion: number;
  /** The map's entry when pinned: if the map moves the seat elsewhere and the grace passes, the map wins. */
  baseAtPin: SeatView | undefined;
  at: number;
}

/**
 * The live seat map's state, ordered by the map version: a stream `seats` event applies only if newer than
 * what is shown, a full map (stream or GET) only if not older, so an older version never replaces a newer one,
 * also across reconnects. Command answers and the booking's own seats (which carry no map version) are pinned
 * over the map until a newer map shows them, or — if the map moved the seat on meanwhile — until `graceMs`
 * (well above the stream's ~250 ms lag) has passed. Pure (time passed in): tested by liveMap.test.ts.
 */
export class LiveSeatMap {
  /** The last full map applied (its static parts: cabins, seats' characteristics …). */
  map: SeatMapResponse | undefined;
  version = -1;
  /** The booking's own seats (held or confirmed), newest knowledge. */
  yours: YourSeat[] = [];
  private readonly base = new Map<string, SeatView>();
  private readonly pins = new Map<string, Pin>();
  private readonly expiredSeen = new Set<string>();

  constructor(private readonly graceMs = 2000) {}

  /**
   * A full map: a stream `seatmap` event, or a GET (then `yoursFresh` says whether its `yourSeats` is the newest
   * knowledge of the booking's seats: no command answered since the GET was sent). Returns whether the view changed.
   */
  applyFull(map: SeatMapResponse, now: number, yoursFresh = false): boolean {
    let changed = false;
    if (map.version >= this.version) {
      this.map = map;
      this.version = map.version;
      this.base.clear();
      for (const seat of map.seats) this.base.set(seat.seatNumber, view(seat.status, seat.holdExpiresAt));
      for (const seatNumber of [...this.pins.keys()]) this.reconcile(seatNumber, now);
      changed = true;
    }
    if (yoursFresh && map.yourSeats) {
      this.setYours(map.yourSeats, now);
      changed = true;
    }
    return changed;
  }

  /** A stream `seats` event: applied only if newer than the map shown. */
  applySeats(event: SeatsEvent, now: number): boolean {
    if (!this.map || event.version <= this.version) return false;
    this.version = event.version;
    for (const seat of event.seats) {
      this.base.set(seat.seatNumber, view(seat.status, seat.holdExpiresAt ?? undefined));
      this.reconcile(seat.seatNumber, now);
    }
    return true;
  }

  /** The answer of a hold/confirm/release for `passengerId`: shown at once. */
  applyAnswer(command: 'hold' | 'confirm' | 'release', passengerId: string, seat: SeatResponse, now: number): void {
    const answered = view(seat.status, seat.holdExpiresAt);
    if (command === 'hold') {
      // A hold lets go of the passenger's previous seat on the flight.
      for (const previous of this.yours.filter((y) => y.passengerId === passengerId && y.seatNumber !== seat.seatNumber)) {
        this.pin(previous.seatNumber, { status: 'AVAILABLE' }, now);
      }
      this.yours = this.yours.filter((y) => y.passengerId !== passengerId);
    }
    this.yours = this.yours.filter((y) => y.seatNumber !== seat.seatNumber);
    const owner = seat.passengerId ?? passengerId;
    if ((seat.status === 'HELD' || seat.status === 'CONFIRMED') && command !== 'release') {
      this.yours = [...this.yours, { passengerId: owner, seatNumber: seat.seatNumber, status: seat.status, ...(seat.holdExpiresAt ? { holdExpiresAt: seat.holdExpiresAt } : {}) }];
    }
    this.pin(seat.seatNumber, answered, now);
  }

  /**
   * Own holds whose `holdExpiresAt` has passed at server time `now`: shown available at once (not waiting for
   * the stream) and returned, each once, for a message.
   */
  expireOwnHolds(now: number): YourSeat[] {
    const expired = this.yours.filter((y) => y.status === 'HELD' && isPast(y.holdExpiresAt, now));
    if (expired.length === 0) return [];
    this.yours = this.yours.filter((y) => !expired.includes(y));
    const fresh: YourSeat[] = [];
    for (const y of expired) {
      this.pin(y.seatNumber, { status: 'AVAILABLE' }, now);
      const key = `${y.seatNumber}@${y.holdExpiresAt ?? ''}`;
      if (!this.expiredSeen.has(key)) {
        this.expiredSeen.add(key);
        fresh.push(y);
      }
    }
    return fresh;
  }

  /** Lets the map win over pins it has moved past (called every second or so). Returns whether the view changed. */
  tick(now: number): boolean {
    let changed = false;
    for (const seatNumber of [...this.pins.keys()]) changed = this.reconcile(seatNumber, now) || changed;
    return changed;
  }

  /** The seat as shown at server time `now`: a hold that has expired shows available. */
  view(seatNumber: string, now: number): SeatView | undefined {
    const shown = this.pins.get(seatNumber)?.view ?? this.base.get(seatNumber);
    if (shown?.status === 'HELD' && isPast(shown.holdExpiresAt, now)) return { status: 'AVAILABLE' };
    return shown;
  }

  /** The booking's passenger whose seat this is (held and not expired, or confirmed). */
  owner(seatNumber: string, now: number): YourSeat | undefined {
    const shown = this.view(seatNumber, now);
    if (!shown || (shown.status !== 'HELD' && shown.status !== 'CONFIRMED')) return undefined;
    return this.yours.find((y) => y.seatNumber === seatNumber && y.status === shown.status && !(y.status === 'HELD' && isPast(y.holdExpiresAt, now)));
  }

  private setYours(yours: YourSeat[], now: number): void {
    this.yours = yours.filter((y) => y.status === 'HELD' || y.status === 'CONFIRMED');
    for (const y of this.yours) this.pin(y.seatNumber, view(y.status, y.holdExpiresAt), now);
  }

  private pin(seatNumber: string, pinned: SeatView, now: number): void {
    const existing = this.pins.get(seatNumber);
    if (existing && same(existing.view, pinned)) return;
    this.pins.set(seatNumber, { view: pinned, sinceVersion: this.version, baseAtPin: this.base.get(seatNumber), at: now });
  }

  private reconcile(seatNumber: string, now: number): boolean {
    const pin = this.pins.get(seatNumber);
    if (!pin) return false;
    const base = this.base.get(seatNumber);
    const caughtUp = this.version > pin.sinceVersion && same(base, pin.view);
    const movedOn = now - pin.at >= this.graceMs && !same(base, pin.baseAtPin);
    if (!caughtUp && !movedOn) return false;
    this.pins.delete(seatNumber);
    return !same(base, pin.view);
  }
}

function view(status: SeatStatus, holdExpiresAt: string | null | undefined): SeatView {
  return status === 'HELD' && holdExpiresAt ? { status, holdExpiresAt } : { status };
}

function same(a: SeatView | undefined, b: SeatView | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.status !== b.status) return false;
  if (a.status !== 'HELD') return true;
  return instant(a.holdExpiresAt) === instant(b.holdExpiresAt);
}

function instant(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

function isPast(value: string | undefined, now: number): boolean {
  const at = instant(value);
  return at !== undefined && at <= now;
}
