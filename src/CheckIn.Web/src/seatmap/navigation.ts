import type { SeatLayout } from './layout';

/** A key the seat grid handles (APG grid pattern). */
export interface GridKey {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

/**
 * Where focus goes from `current` for a key, following the WAI-ARIA APG grid: ←/→ within the row (skipping
 * gaps, stopping at the ends), ↑/↓ to the previous/next row's seat with the same letter or else the nearest
 * one across the cabin, Home/End the row's first/last seat, Ctrl+Home/Ctrl+End the map's first/last seat.
 * `undefined` when the key is not one of these (let the browser have it). Pure.
 */
export function nextSeat(layout: SeatLayout, current: string, key: GridKey): string | undefined {
  const here = layout.positions.get(current);
  if (!here) return firstSeat(layout);
  const row = layout.rows[here.rowIndex]!;
  const ctrl = key.ctrlKey === true || key.metaKey === true;
  switch (key.key) {
    case 'ArrowRight':
      return seatAt(row.cells, here.cellIndex, 1) ?? current;
    case 'ArrowLeft':
      return seatAt(row.cells, here.cellIndex, -1) ?? current;
    case 'ArrowDown':
      return verticalMove(layout, here.rowIndex, here.cellIndex, 1) ?? current;
    case 'ArrowUp':
      return verticalMove(layout, here.rowIndex, here.cellIndex, -1) ?? current;
    case 'Home':
      return (ctrl ? firstSeat(layout) : seatAt(row.cells, -1, 1)) ?? current;
    case 'End':
      return (ctrl ? lastSeat(layout) : seatAt(row.cells, row.cells.length, -1)) ?? current;
    default:
      return undefined;
  }
}

export function firstSeat(layout: SeatLayout): string | undefined {
  for (const row of layout.rows) {
    const seat = seatAt(row.cells, -1, 1);
    if (seat) return seat;
  }
  return undefined;
}

export function lastSeat(layout: SeatLayout): string | undefined {
  for (let i = layout.rows.length - 1; i >= 0; i--) {
    const row = layout.rows[i]!;
    const seat = seatAt(row.cells, row.cells.length, -1);
    if (seat) return seat;
  }
  return undefined;
}

function seatAt(cells: ({ seatNumber: string } | undefined)[], from: number, step: 1 | -1): string | undefined {
  for (let i = from + step; i >= 0 && i < cells.length; i += step) {
    const seat = cells[i];
    if (seat) return seat.seatNumber;
  }
  return undefined;
}

function verticalMove(layout: SeatLayout, rowIndex: number, cellIndex: number, step: 1 | -1): string | undefined {
  const from = layout.rows[rowIndex]!;
  const column = from.columns[cellIndex]!;
  for (let r = rowIndex + step; r >= 0 && r < layout.rows.length; r += step) {
    const row = layout.rows[r]!;
    const same = row.columns.findIndex((c) => c.letter === column.letter);
    if (same >= 0 && row.cells[same]) return row.cells[same]!.seatNumber;
    // No seat with that letter here: the nearest seat across the cabin (left one on a tie).
    let best: { seat: string; distance: number } | undefined;
    row.cells.forEach((seat, i) => {
      if (!seat) return;
      const distance = Math.abs(row.columns[i]!.x - column.x);
      if (!best || distance < best.distance - 1e-9) best = { seat: seat.seatNumber, distance };
    });
    if (best) return best.seat;
  }
  return undefined;
}
