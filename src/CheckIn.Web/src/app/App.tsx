import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call, createApi, type Api, type CheckInResponse } from '../api/client';
import { serverClock } from '../lib/clock';
import type { Notify } from '../lib/toast';
import { BoardingPass } from './BoardingPass';
import { CheckInPanel } from './CheckInPanel';
import type { FlightPanelProps, YourSeat } from './contracts';
import { byDeparture, flightLabel, passengerName, statusLine } from './format';
import { SeatMapPanel } from '../seatmap/SeatMapPanel';
import { WaitlistPanel } from '../waitlist/WaitlistPanel';
import { Modal } from './Modal';
import { openNotifications, seatAssignedMessage } from './notifications';
import { clearSession, loadSession, msUntilExpiry, saveSession, type Session } from './session';
import { SignInForm } from './SignInForm';
import { Toasts, useToasts } from './Toasts';

export interface AppProps {
  /** Where the session is kept (localStorage). */
  storage?: Storage;
  /** For tests: the fetch every API call and stream goes through, and the API's origin. */
  fetch?: typeof fetch;
  baseUrl?: string;
  pollMs?: number;
}

/**
 * The app shell: sign-in, the booking screen, the "session has ended" dialog over whatever is on screen, the
 * booking's notification stream and the toasts.
 */
export function App({ storage = browserStorage(), fetch: fetchImpl, baseUrl = '', pollMs }: AppProps) {
  const [session, setSession] = useState<Session | undefined>(() => loadSession(storage, serverClock.now()));
  const [ended, setEnded] = useState(false);
  const [refreshKey, setRefreshKey] = useState(0);
  const { toasts, notify, dismiss } = useToasts();
  const current = useRef({ session, ended });
  current.current = { session, ended };
  const lastNotification = useRef<{ pnr: string; sequence: number } | undefined>(undefined);

  const api = useMemo(
    () =>
      createApi(
        {
          // No token once the session has ended: a call then cannot reopen the dialog it is waiting behind.
          token: () => (current.current.ended ? undefined : current.current.session?.token),
          onUnauthorized: (problem) => {
            if (problem.code === 'SESSION_EXPIRED' || problem.code === 'UNAUTHENTICATED') setEnded(true);
          },
        },
        baseUrl,
        fetchImpl,
      ),
    [baseUrl, fetchImpl],
  );

  const loadImage = useCallback(
    async (url: string): Promise<Blob | undefined> => {
      const token = current.current.ended ? undefined : current.current.session?.token;
      try {
        const response = await (fetchImpl ?? globalThis.fetch)(`${baseUrl}${url}`, {
          headers: token ? { Authorization: `Bearer ${token}` } : {},
        });
        if (response.status === 401) setEnded(true);
        return response.ok ? await response.blob() : undefined;
      } catch {
        return undefined;
      }
    },
    [baseUrl, fetchImpl],
  );

  const startSession = (next: Session) => {
    saveSession(storage, next);
    if (lastNotification.current && lastNotification.current.pnr !== next.pnr) lastNotification.current = undefined;
    setSession(next);
    setEnded(false);
  };

  const signOut = () => {
    clearSession(storage);
    lastNotification.current = undefined;
    setSession(undefined);
    setEnded(false);
  };

  // The token's end, by the server's clock: the dialog asks to sign in again over the current screen.
  useEffect(() => {
    if (!session || ended) return;
    const timer = setTimeout(() => setEnded(true), Math.max(0, msUntilExpiry(session, serverClock.now())));
    return () => clearTimeout(timer);
  }, [session, ended]);

  // The booking's notifications: SEAT_ASSIGNED → a toast, and the panels read the map / entry again.
  useEffect(() => {
    if (!session || ended) return;
    const pnr = session.pnr;
    const previous = lastNotification.current?.pnr === pnr ? lastNotification.current.sequence : undefined;
    const stream = openNotifications({
      api,
      token: () => current.current.session?.token,
      ...(previous !== undefined ? { after: previous } : {}),
      baseUrl,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
      onSequence: (sequence) => {
        lastNotification.current = { pnr, sequence };
      },
      onNotification: (n) => {
        if (n.type === 'SEAT_ASSIGNED') {
          notify({ kind: 'success', message: seatAssignedMessage(n, current.current.session?.passengers ?? []) });
        }
        setRefreshKey((k) => k + 1);
      },
      onFatal: (problem) => {
        if (problem.status === 401) setEnded(true);
      },
    });
    return () => stream.close();
  }, [session?.token, ended, api, baseUrl, fetchImpl, notify]);

  return (
    <>
      {session ? (
        <BookingScreen
          key={session.pnr}
          api={api}
          session={session}
          ended={ended}
          notify={notify}
          refreshKey={refreshKey}
          onSeatsChanged={() => setRefreshKey((k) => k + 1)}
          onSignOut={signOut}
          loadImage={loadImage}
          {...(pollMs !== undefined ? { pollMs } : {})}
        />
      ) : (
        <SignInScreen api={api} onSession={startSession} />
      )}
      {session && ended && (
        <Modal labelledBy="session-ended-heading" class="session-ended">
          <h2 id="session-ended-heading">Your session has ended</h2>
          <p>Find your booking again to carry on where you were.</p>
          <SignInForm api={api} onSession={startSession} initialPnr={session.pnr} autoFocus />
        </Modal>
      )}
      <Toasts toasts={toasts} dismiss={dismiss} />
    </>
  );
}

/** localStorage, or a memory stand-in where the browser refuses it (storage disabled): the UI still works. */
function browserStorage(): Storage {
  try {
    const s = window.localStorage;
    s.getItem('checkin.session');
    return s;
  } catch {
    const items = new Map<string, string>();
    return {
      get length() {
        return items.size;
      },
      clear: () => items.clear(),
      getItem: (k) => items.get(k) ?? null,
      key: (i) => [...items.keys()][i] ?? null,
      removeItem: (k) => void items.delete(k),
      setItem: (k, v) => void items.set(k, String(v)),
    };
  }
}

function SiteHeader({ children }: { children?: ComponentChildren }) {
  return (
    <header class="app-header">
      <span class="brand">Orleans Air</span>
      {children}
    </header>
  );
}

function SignInScreen({ api, onSession }: { api: Api; onSession(s: Session): void }) {
  return (
    <>
      <SiteHeader />
      <main class="signin-screen">
        <h1>Check in online</h1>
        <p>Find your booking with its reference (PNR) and the last name of a passenger on it.</p>
        <SignInForm api={api} onSession={onSession} showDemo />
      </main>
    </>
  );
}

interface BookingScreenProps {
  api: Api;
  session: Session;
  ended: boolean;
  notify: Notify;
  refreshKey: number;
  onSeatsChanged(): void;
  onSignOut(): void;
  loadImage(url: string): Promise<Blob | undefined>;
  pollMs?: number;
}

function BookingScreen({ api, session, ended, notify, refreshKey, onSeatsChanged, onSignOut, loadImage, pollMs }: BookingScreenProps) {
  const flights = useMemo(() => byDeparture(session.flights), [session.flights]);
  const [flightId, setFlightId] = useState(() => flights[0]?.flightId ?? '');
  const [activePassengerId, setActivePassengerId] = useState(() => session.passengers[0]?.passengerId ?? '');
  const [checkIns, setCheckIns] = useState<Record<string, CheckInResponse | undefined>>({});
  const [yourSeats, setYourSeats] = useState<Record<string, string | undefined>>({});
  const flightRef = useRef(flightId);
  flightRef.current = flightId;

  const onCheckIns = useCallback((list: CheckInResponse[]) => {
    setCheckIns((all) => {
      const next = { ...all };
      for (const c of list) if (c.flightId === flightRef.current) next[c.passengerId] = c;
      return next;
    });
  }, []);

  const onYourSeats = useCallback((seats: YourSeat[]) => {
    const next: Record<string, string> = {};
    for (const s of seats) if (s.status === 'HELD' || s.status === 'CONFIRMED') next[s.passengerId] = s.seatNumber;
    setYourSeats(next);
  }, []);

  // Every passenger's check-in on the flight: on flight change, on a new session (token), on refreshKey.
  useEffect(() => {
    if (ended || !flightId) return;
    let stopped = false;
    void Promise.all(
      session.passengers.map((p) =>
        call(api.GET('/api/flights/{flightId}/check-ins/{passengerId}', { params: { path: { flightId, passengerId: p.passengerId } } })),
      ),
    ).then((outcomes) => {
      if (stopped) return;
      const loaded: CheckInResponse[] = [];
      for (const o of outcomes) if (o.ok) loaded.push(o.data);
      onCheckIns(loaded);
      const failed = outcomes.find((o) => !o.ok);
      if (failed && !failed.ok && failed.problem.status !== 401) notify({ kind: 'error', message: failed.problem.message });
    });
    return () => {
      stopped = true;
    };
  }, [api, flightId, session.token, session.passengers, refreshKey, ended, onCheckIns, notify]);

  const changeFlight = (id: string) => {
    setFlightId(id);
    setCheckIns({});
    setYourSeats({});
  };

  const active = checkIns[activePassengerId];
  const pass = active?.status === 'COMPLETED' ? active.boardingPass : undefined;
  // What the seat map and the waitlist panel both get (src/app/contracts.ts).
  const flightPanel: FlightPanelProps = { api, flightId, passengers: session.passengers, activePassengerId, notify, refreshKey };

  return (
    <>
      <SiteHeader>
        <h1>Booking {session.pnr}</h1>
        <button type="button" class="sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </SiteHeader>
      <main class="booking">
        <section class="panel trip" aria-labelledby="trip-heading">
          <h2 id="trip-heading" class="visually-hidden">
            Flight and passenger
          </h2>
          <div class="field">
            <label for="flight-select">Flight</label>
            <select id="flight-select" value={flightId} disabled={flights.length < 2} onChange={(e) => changeFlight(e.currentTarget.value)}>
              {flights.map((f) => (
                <option key={f.flightId} value={f.flightId}>
                  {flightLabel(f)}
                </option>
              ))}
            </select>
          </div>
          <fieldset class="passengers">
            <legend>Passenger</legend>
            {session.passengers.map((p) => (
              <label class="choice" key={p.passengerId}>
                <input
                  type="radio"
                  name="active-passenger"
                  value={p.passengerId}
                  checked={p.passengerId === activePassengerId}
                  onChange={() => setActivePassengerId(p.passengerId)}
                />
                {passengerName(p)}
              </label>
            ))}
          </fieldset>
        </section>

        <section class="panel status" aria-labelledby="status-heading">
          <h2 id="status-heading">Check-in status</h2>
          <ul>
            {session.passengers.map((p) => (
              <li key={p.passengerId}>{statusLine(p, checkIns[p.passengerId], yourSeats[p.passengerId])}</li>
            ))}
          </ul>
        </section>

        <div class="seatmap-area">
          <SeatMapPanel {...flightPanel} onYourSeats={onYourSeats} />
        </div>

        <WaitlistPanel {...flightPanel} />

        <CheckInPanel
          api={api}
          flightId={flightId}
          passengers={session.passengers}
          activePassengerId={activePassengerId}
          checkIns={checkIns}
          onCheckIns={onCheckIns}
          onSeatsChanged={onSeatsChanged}
          notify={notify}
          {...(pollMs !== undefined ? { pollMs } : {})}
        />

        {pass && <BoardingPass pass={pass} loadImage={loadImage} />}
      </main>
    </>
  );
}
