import type { SessionPassenger } from '../api/client';
import type { YourSeat } from '../app/contracts';
import { formatRemaining, remainingMs } from './countdown';

export interface YourSeatSectionProps {
  passengers: SessionPassenger[];
  yours: YourSeat[];
  /** Server time (ms) the countdowns count to. */
  now: number;
  busy: boolean;
  onCommand(kind: 'confirm' | 'release', seat: YourSeat): void;
}

/** "John Smith: seat 12A held", the hold's countdown, and its Confirm / Release buttons; one line per passenger. */
export function YourSeatSection({ passengers, yours, now, busy, onCommand }: YourSeatSectionProps) {
  return (
    <section aria-label="Your seat" class="your-seat">
      <ul>
        {passengers.map((p) => {
          const name = `${p.firstName} ${p.lastName}`;
          const seat = yours.find((y) => y.passengerId === p.passengerId);
          if (!seat) {
            return (
              <li key={p.passengerId}>
                <p>{name}: no seat yet</p>
              </li>
            );
          }
          const held = seat.status === 'HELD';
          return (
            <li key={p.passengerId}>
              <p>
                {name}: seat {seat.seatNumber} {held ? 'held' : 'confirmed'}
              </p>
              {held ? (
                <p role="timer" class="your-seat-timer">
                  Hold expires in {formatRemaining(remainingMs(seat.holdExpiresAt, now))}
                </p>
              ) : null}
              <div class="your-seat-actions">
                {held ? (
                  <button type="button" class="primary" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && onCommand('confirm', seat)}>
                    Confirm seat {seat.seatNumber}
                  </button>
                ) : null}
                <button type="button" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && onCommand('release', seat)}>
                  Release seat {seat.seatNumber}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
