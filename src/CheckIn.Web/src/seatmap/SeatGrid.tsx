import { useRef } from 'preact/hooks';
import type { SeatLayout } from './layout';
import { nextSeat } from './navigation';
import { seatLabel, type SeatState } from './labels';

/** A seat as the grid draws it. */
export interface SeatCellView {
  state: SeatState;
  /** May Enter/Space act on it (hold, or confirm the active passenger's hold)? */
  actionable: boolean;
  /** The booking's passenger whose seat it is, when the booking has several. */
  who?: string;
}

export interface SeatGridProps {
  flightId: string;
  layout: SeatLayout;
  seat(seatNumber: string): SeatCellView;
  /** The seat with tabindex 0 (roving tabindex). */
  current: string | undefined;
  onCurrent(seatNumber: string): void;
  onAct(seatNumber: string): void;
}

const glyphs: Record<SeatState, string> = {
  available: '',
  held: '◷',
  occupied: '✕',
  blocked: '⊘',
  offered: '…',
  'held-yours': '★',
  'confirmed-yours': '★',
};

/**
 * The cabin as a WAI-ARIA grid: one row per seat row (row number as row header), cabin bands with the cabin name
 * and column letters, aisles as gaps that are not cells. One tab stop; arrows/Home/End move (see navigation.ts);
 * Enter/Space/click act. Seats are never `disabled` and keep their DOM node (keyed by seat number), so focus
 * stays on a seat whose state changes.
 */
export function SeatGrid({ flightId, layout, seat, current, onCurrent, onAct }: SeatGridProps) {
  const buttons = useRef(new Map<string, HTMLButtonElement>());

  const onKeyDown = (event: KeyboardEvent) => {
    const from = (event.target as HTMLElement | null)?.closest<HTMLElement>('[data-seat]')?.dataset.seat;
    if (!from) return;
    const to = nextSeat(layout, from, event);
    if (to === undefined) return;
    event.preventDefault();
    onCurrent(to);
    buttons.current.get(to)?.focus();
  };

  return (
    <div role="grid" aria-label={`Seat map, flight ${flightId}`} class="seatgrid" onKeyDown={onKeyDown}>
      {layout.cabins.map((band) => (
        <div role="rowgroup" class="seatgrid-cabin" key={band.cabin}>
          <div role="row" class="seatgrid-row seatgrid-head">
            <span role="columnheader" class="seatgrid-cabin-name">
              {band.name}
            </span>
            {band.columns.map((c) => (
              <span role="columnheader" class={c.aisleBefore ? 'seatgrid-letter aisle-before' : 'seatgrid-letter'} key={c.letter}>
                {c.letter}
              </span>
            ))}
          </div>
          {band.rows.map((row) => (
            <div role="row" class={row.exit ? 'seatgrid-row exit-row' : 'seatgrid-row'} key={row.row}>
              <span role="rowheader" class="seatgrid-rownum">
                <span>{row.row}</span>
                {row.exit ? (
                  <span class="row-mark">
                    <span aria-hidden="true">⇆ </span>Exit
                  </span>
                ) : row.extraLegroom ? (
                  <span class="row-mark">
                    <span aria-hidden="true">↕ </span>Legroom
                  </span>
                ) : null}
              </span>
              {row.cells.map((s, i) => {
                const gap = row.columns[i]!.aisleBefore ? ' aisle-before' : '';
                if (!s) return <span role="gridcell" class={`seatgrid-cell seatgrid-empty${gap}`} key={`gap-${i}`} />;
                const cell = seat(s.seatNumber);
                const legroom = s.characteristics.includes('EXTRA_LEGROOM') ? ' legroom' : '';
                return (
                  <span role="gridcell" class={`seatgrid-cell${gap}`} key={s.seatNumber}>
                    <button
                      type="button"
                      ref={(el) => {
                        if (el) buttons.current.set(s.seatNumber, el);
                        else buttons.current.delete(s.seatNumber);
                      }}
                      data-seat={s.seatNumber}
                      class={`seat seat-${cell.state}${legroom}`}
                      tabIndex={s.seatNumber === current ? 0 : -1}
                      aria-label={seatLabel(s.seatNumber, s.characteristics, cell.state)}
                      aria-disabled={cell.actionable ? undefined : 'true'}
                      title={cell.who}
                      onFocus={() => onCurrent(s.seatNumber)}
                      onClick={() => {
                        onCurrent(s.seatNumber);
                        onAct(s.seatNumber);
                      }}
                    >
                      <span aria-hidden="true" class="seat-glyph">
                        {glyphs[cell.state] || s.column}
                      </span>
                      {cell.who ? (
                        <span aria-hidden="true" class="seat-who">
                          {cell.who.slice(0, 1)}
                        </span>
                      ) : null}
                    </button>
                  </span>
                );
              })}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
