import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { call, type Schemas, type WaitlistEntryResponse } from '../api/client';
import type { WaitlistPanelProps } from '../app/contracts';
import { cabinName } from '../seatmap/layout';
import { newIdempotencyKey } from '../seatmap/idempotency';
import './waitlist.css';

type Cabin = Schemas['Cabin'];
type Position = Schemas['SeatPreference'];

/** How often a waiting entry's place in line is read again while the panel is shown. */
export const WAITING_POLL_MS = 10_000;

/**
 * Screen 4: the active passenger's waitlist entry on the flight. Not waiting: a form (cabin, seat position,
 * together with other passengers of the booking). Waiting: the place in line and "Leave waitlist". Assigned: the
 * seat. Read again on `refreshKey` (the app bumps it on a SEAT_ASSIGNED notification) and every 10 s while waiting.
 */
export function WaitlistPanel(props: WaitlistPanelProps) {
  const { api, flightId, passengers, activePassengerId, refreshKey } = props;
  const latest = useRef(props);
  latest.current = props;
  const active = passengers.find((p) => p.passengerId === activePassengerId);
  const [entry, setEntry] = useState<WaitlistEntryResponse | null>();
  const [cabin, setCabin] = useState<Cabin | undefined>(active?.cabin);
  const [position, setPosition] = useState<Position>('ANY');
  const [together, setTogether] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string }>();
  const reads = useRef(0);

  useEffect(() => {
    setCabin(active?.cabin);
    setTogether([]);
    setError(undefined);
  }, [activePassengerId, active?.cabin]);

  const load = useCallback(async () => {
    const seq = ++reads.current;
    const outcome = await call(
      latest.current.api.GET('/api/flights/{flightId}/waitlist/{passengerId}', {
        params: { path: { flightId, passengerId: activePassengerId } },
      }),
    );
    if (seq !== reads.current) return;
    if (outcome.ok) setEntry(outcome.data);
    else if (outcome.problem.code === 'WAITLIST_ENTRY_NOT_FOUND') setEntry(null);
    else if (outcome.problem.status !== 401) latest.current.notify({ kind: 'error', message: outcome.problem.message });
  }, [flightId, activePassengerId]);

  useEffect(() => {
    setEntry(undefined);
    void load();
  }, [load, refreshKey, api]);

  const waiting = entry?.status === 'WAITING';
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') void load();
    }, WAITING_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, load]);

  const join = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    reads.current++;
    const outcome = await call(
      api.POST('/api/flights/{flightId}/waitlist', {
        params: { path: { flightId }, header: { 'Idempotency-Key': newIdempotencyKey() } },
        body: {
          passengerId: activePassengerId,
          ...(cabin ? { cabin } : {}),
          position,
          ...(together.length > 0 ? { togetherWith: together } : {}),
        },
      }),
    );
    setBusy(false);
    if (outcome.ok) {
      setEntry(outcome.data);
      // An entry assigned at once is announced by the app's SEAT_ASSIGNED toast; the panel shows the seat.
      if (outcome.data.status === 'WAITING') latest.current.notify({ kind: 'success', message: 'You are on the waitlist.' });
    } else {
      setError({ message: outcome.problem.message, ...(outcome.problem.field ? { field: outcome.problem.field } : {}) });
      latest.current.notify({ kind: 'error', message: outcome.problem.message });
    }
  };

  const leave = async () => {
    if (busy) return;
    setBusy(true);
    reads.current++;
    const outcome = await call(
      api.DELETE('/api/flights/{flightId}/waitlist/{passengerId}', {
        params: { path: { flightId, passengerId: activePassengerId }, header: { 'Idempotency-Key': newIdempotencyKey() } },
      }),
    );
    setBusy(false);
    if (outcome.ok) {
      setEntry(outcome.data);
      latest.current.notify({ kind: 'success', message: 'You left the waitlist.' });
    } else {
      latest.current.notify({ kind: 'error', message: outcome.problem.message });
      void load();
    }
  };

  const cabins = [...new Set(passengers.map((p) => p.cabin))];
  const others = passengers.filter((p) => p.passengerId !== activePassengerId);
  const fieldError = (name: string) => (error?.field && (error.field === name || error.field.startsWith(`${name}[`)) ? true : undefined);

  return (
    <section class="panel waitlist" aria-labelledby="waitlist-heading">
      <h2 id="waitlist-heading">Waitlist</h2>
      {entry === undefined ? (
        <p>Loading…</p>
      ) : entry?.status === 'WAITING' ? (
        <div>
          <p class="waitlist-place">Place in line: {entry.placeInLine ?? '–'}</p>
          <p>
            Waiting for {entry.position === 'ANY' ? 'any seat' : `a ${entry.position.toLowerCase()} seat`} in {cabinName(entry.cabin)}
            {entry.together ? `, together with ${namesOf(entry.passengerIds.filter((id) => id !== activePassengerId))}` : ''}.
          </p>
          <button type="button" aria-disabled={busy ? 'true' : undefined} onClick={() => void leave()}>
            Leave waitlist
          </button>
        </div>
      ) : (
        <>
          {entry?.status === 'ASSIGNED' ? <p class="waitlist-assigned">Seat {seatOf(entry, activePassengerId)} assigned</p> : null}
          {entry?.status === 'LEFT' ? <p>You left the waitlist.</p> : null}
          {entry?.status === 'EXPIRED' ? <p>The waitlist closed with check-in.</p> : null}
          <p class="waitlist-intro">No suitable seat free? Wait in line: the first seat that suits you is assigned to you.</p>
          <form class="waitlist-form" onSubmit={(e) => void join(e)} noValidate>
            <label>
              Cabin
              <select
                value={cabin}
                aria-invalid={fieldError('cabin')}
                aria-describedby={fieldError('cabin') ? 'waitlist-error' : undefined}
                onChange={(e) => setCabin((e.currentTarget as HTMLSelectElement).value as Cabin)}
              >
                {cabins.map((c) => (
                  <option value={c} key={c}>
                    {cabinName(c)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Seat position
              <select
                value={position}
                aria-invalid={fieldError('position')}
                aria-describedby={fieldError('position') ? 'waitlist-error' : undefined}
                onChange={(e) => setPosition((e.currentTarget as HTMLSelectElement).value as Position)}
              >
                <option value="ANY">Any</option>
                <option value="WINDOW">Window</option>
                <option value="AISLE">Aisle</option>
              </select>
            </label>
            {others.length > 0 ? (
              <fieldset class="waitlist-together">
                <legend>Seat together</legend>
                {others.map((p) => (
                  <label key={p.passengerId} class="waitlist-check">
                    <input
                      type="checkbox"
                      checked={together.includes(p.passengerId)}
                      onChange={(e) => {
                        const checked = (e.currentTarget as HTMLInputElement).checked;
                        setTogether((t) => (checked ? [...t, p.passengerId] : t.filter((id) => id !== p.passengerId)));
                      }}
                    />
                    Together with {p.firstName} {p.lastName}
                  </label>
                ))}
              </fieldset>
            ) : null}
            <button type="submit" aria-disabled={busy ? 'true' : undefined}>
              Join waitlist
            </button>
          </form>
          {error ? (
            <p id="waitlist-error" role="alert" class="waitlist-error">
              {error.message}
            </p>
          ) : null}
        </>
      )}
    </section>
  );

  function namesOf(ids: string[]): string {
    return ids
      .map((id) => passengers.find((p) => p.passengerId === id))
      .map((p) => (p ? `${p.firstName} ${p.lastName}` : ''))
      .filter(Boolean)
      .join(', ');
  }
}

/** The seat the entry assigned to the passenger (one per passenger, in `passengerIds` order). */
export function seatOf(entry: WaitlistEntryResponse, passengerId: string): string {
  const i = entry.passengerIds.indexOf(passengerId);
  return entry.assignedSeats[i >= 0 ? i : 0] ?? entry.assignedSeats.join(', ');
}
