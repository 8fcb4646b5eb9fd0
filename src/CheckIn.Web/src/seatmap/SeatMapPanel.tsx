import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call, type SeatMapResponse, type SessionPassenger } from '../api/client';
import type { SeatMapPanelProps, YourSeat } from '../app/contracts';
import { serverClock } from '../lib/clock';
import { openEventStream, type StreamState } from '../lib/sse';
import { buildLayout, type SeatLayout } from './layout';
import { LiveSeatMap, type SeatsEvent } from './liveMap';
import { seatState, whyNot } from './labels';
import { firstSeat } from './navigation';
import { nextTickMs, remainingMs } from './countdown';
import { SeatGrid, type SeatCellView } from './SeatGrid';
import { YourSeatSection } from './YourSeatSection';
import { Legend } from './Legend';
import { newIdempotencyKey } from './idempotency';
import './seatmap.css';

export type SeatCommand = 'hold' | 'confirm' | 'release';

const liveWords: Record<StreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

/**
 * Screen 3: the live seat map of one flight for the signed-in booking. The map comes from the anonymous seat-map
 * stream (full map, then changes, ordered by version in {@link LiveSeatMap}); the booking's own seats from the
 * authenticated GET (on mount, after each own command, on `refreshKey`). Hold/confirm/release answer at once.
 */
export function SeatMapPanel(props: SeatMapPanelProps) {
  const { api, flightId, passengers, activePassengerId, refreshKey } = props;
  const latest = useRef(props);
  latest.current = props;
  const model = useMemo(() => new LiveSeatMap(), [flightId]);
  const [, setRevision] = useState(0);
  const repaint = useCallback(() => setRevision((r) => r + 1), []);
  const [live, setLive] = useState<StreamState>('connecting');
  const [unavailable, setUnavailable] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [hint, setHint] = useState({ text: '', n: 0 });
  const [current, setCurrent] = useState<string>();
  const counters = useRef({ gets: 0, commands: 0 });

  const say = (text: string) => setHint((h) => ({ text, n: h.n + 1 }));

  // The map with the booking's own seats. Its yourSeats count only if no command answered meanwhile and no later
  // read was sent (an older answer must not undo a newer one); its seats go through the version check.
  const load = useCallback(async () => {
    const seq = ++counters.current.gets;
    const commandsAtStart = counters.current.commands;
    const outcome = await call(latest.current.api.GET('/api/flights/{flightId}/seatmap', { params: { path: { flightId } } }));
    if (outcome.ok) {
      const fresh = seq === counters.current.gets && commandsAtStart === counters.current.commands;
      if (model.applyFull(outcome.data, serverClock.now(), fresh)) repaint();
    } else if (outcome.problem.status !== 401) {
      latest.current.notify({ kind: 'error', message: outcome.problem.message });
    }
  }, [flightId, model, repaint]);

  useEffect(() => {
    setLive('connecting');
    setUnavailable(undefined);
    const stream = openEventStream({
      url: `/api/flights/${encodeURIComponent(flightId)}/seatmap/stream`,
      // The server sends a keep-alive every 15 s: three missed ones mean a dead connection.
      idleTimeoutMs: 45_000,
      onEvent(event) {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        const now = serverClock.now();
        const changed =
          event.event === 'seatmap'
            ? model.applyFull(data as SeatMapResponse, now)
            : event.event === 'seats'
              ? model.applySeats(data as SeatsEvent, now)
              : false;
        if (changed) repaint();
      },
      onState: (state) => setLive(state),
      onFatal(problem) {
        setUnavailable(problem.message);
        latest.current.notify({ kind: 'error', message: problem.message });
      },
    });
    return () => stream.close();
  }, [flightId, model, repaint]);

  useEffect(() => {
    void load();
  }, [load, refreshKey, api]);

  // Countdowns, holds that expire on screen, pins the map has moved past: repainted when the shown second changes.
  useEffect(() => {
    let handle: ReturnType<typeof setTimeout>;
    const run = () => {
      const now = serverClock.now();
      for (const expired of model.expireOwnHolds(now)) {
        latest.current.notify({ kind: 'info', message: `Your hold on ${expired.seatNumber} expired.` });
      }
      model.tick(now);
      repaint();
      schedule(now);
    };
    const schedule = (now: number) => {
      const left = model.yours.filter((y) => y.status === 'HELD').map((y) => remainingMs(y.holdExpiresAt, now));
      handle = setTimeout(run, nextTickMs(left));
    };
    schedule(serverClock.now());
    return () => clearTimeout(handle);
  }, [model, repaint]);

  // Tell the app shell whenever the booking's seats change.
  const yoursKey = JSON.stringify(model.yours);
  useEffect(() => {
    latest.current.onYourSeats?.(model.yours);
  }, [yoursKey, model]);

  const layout = useLayout(model.map);
  const now = serverClock.now();
  const nameOf = (passengerId: string) => fullName(passengers.find((p) => p.passengerId === passengerId));

  const inFlight = useRef<string | undefined>(undefined);
  const command = async (kind: SeatCommand, seatNumber: string, passengerId: string) => {
    // One command at a time (a ref, not the state, so a quick second Enter before the repaint is caught too).
    if (inFlight.current) {
      say(`Please wait: seat ${inFlight.current} is being updated.`);
      return;
    }
    inFlight.current = seatNumber;
    setBusy(seatNumber);
    const request = {
      params: { path: { flightId, seatNumber }, header: { 'Idempotency-Key': newIdempotencyKey() } },
      body: { passengerId },
    };
    const outcome = await call(
      kind === 'hold'
        ? api.POST('/api/flights/{flightId}/seats/{seatNumber}/hold', request)
        : kind === 'confirm'
          ? api.POST('/api/flights/{flightId}/seats/{seatNumber}/confirm', request)
          : api.POST('/api/flights/{flightId}/seats/{seatNumber}/release', request),
    );
    counters.current.commands++;
    inFlight.current = undefined;
    setBusy(undefined);
    if (outcome.ok) {
      model.applyAnswer(kind, passengerId, outcome.data, serverClock.now());
      repaint();
      const who = nameOf(passengerId);
      const done = kind === 'hold' ? `held for ${who}` : kind === 'confirm' ? `confirmed for ${who}` : 'released';
      latest.current.notify({ kind: 'success', message: `Seat ${seatNumber} ${done}.` });
    } else {
      latest.current.notify({ kind: 'error', message: outcome.problem.message });
    }
    void load();
  };

  const cellView = (seatNumber: string): SeatCellView => {
    const shown = model.view(seatNumber, now);
    const owner = model.owner(seatNumber, now);
    const state = seatState(shown?.status ?? 'BLOCKED', owner !== undefined);
    const actionable = state === 'available' || (state === 'held-yours' && owner?.passengerId === activePassengerId);
    const who = owner && passengers.length > 1 ? passengers.find((p) => p.passengerId === owner.passengerId)?.firstName : undefined;
    return { state, actionable, ...(who ? { who } : {}) };
  };

  const act = (seatNumber: string) => {
    const cell = cellView(seatNumber);
    if (inFlight.current) {
      say(`Please wait: seat ${inFlight.current} is being updated.`);
      return;
    }
    if (cell.state === 'available') {
      void command('hold', seatNumber, activePassengerId);
      return;
    }
    const owner = model.owner(seatNumber, now);
    if (cell.state === 'held-yours' && owner?.passengerId === activePassengerId) {
      void command('confirm', seatNumber, activePassengerId);
      return;
    }
    say(whyNot(seatNumber, cell.state, owner && owner.passengerId !== activePassengerId ? nameOf(owner.passengerId) : undefined));
  };

  const focusSeat = layout && current && layout.positions.has(current) ? current : layout ? defaultSeat(layout, model, activePassengerId, now) : undefined;
  const yours = model.yours.filter((y) => model.owner(y.seatNumber, now) === y);

  return (
    <section class="panel seatmap" aria-labelledby="seatmap-heading">
      <div class="seatmap-top">
        <h2 id="seatmap-heading">Choose a seat</h2>
        <p role="status" class={`seatmap-live seatmap-live-${live}`}>
          <span aria-hidden="true" class="seatmap-live-dot" />
          {liveWords[live]}
        </p>
      </div>
      <Legend />
      {unavailable ? (
        <p class="seatmap-unavailable">The seat map cannot be shown: {unavailable}</p>
      ) : !layout || !model.map ? (
        <p class="seatmap-loading">Loading the seat map…</p>
      ) : (
        <div class="seatmap-scroll">
          <SeatGrid flightId={model.map.flightId} layout={layout} seat={cellView} current={focusSeat} onCurrent={setCurrent} onAct={act} />
        </div>
      )}
      <p role="status" class="seatmap-hint">
        <span key={hint.n}>{hint.text}</span>
      </p>
      <YourSeatSection
        passengers={passengers}
        yours={yours}
        now={now}
        busy={busy !== undefined}
        onCommand={(kind, seat) => void command(kind, seat.seatNumber, seat.passengerId)}
      />
    </section>
  );
}

/** The layout changes only with the flight's shape, not with every seat change. */
function useLayout(map: SeatMapResponse | undefined): SeatLayout | undefined {
  const shape = map ? `${map.flightId}|${map.seats.length}|${JSON.stringify(map.cabins)}|${map.exitRows.join(',')}` : '';
  const source = useRef(map);
  source.current = map;
  return useMemo(() => (source.current ? buildLayout(source.current) : undefined), [shape]);
}

/** Where the grid's tab stop starts: the active passenger's seat, else the first available seat, else the first. */
function defaultSeat(layout: SeatLayout, model: LiveSeatMap, activePassengerId: string, now: number): string | undefined {
  const own = model.yours.find((y) => y.passengerId === activePassengerId && layout.positions.has(y.seatNumber));
  if (own) return own.seatNumber;
  for (const row of layout.rows) {
    for (const seat of row.cells) if (seat && model.view(seat.seatNumber, now)?.status === 'AVAILABLE') return seat.seatNumber;
  }
  return firstSeat(layout);
}

export function fullName(p: SessionPassenger | undefined): string {
  return p ? `${p.firstName} ${p.lastName}` : 'this passenger';
}


export type { YourSeat };
