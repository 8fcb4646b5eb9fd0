import type { SeatMapResponse, SeatMapSeat, Schemas } from '../api/client';

export type Cabin = Schemas['Cabin'];

/** One column of a cabin: its letter, and whether an aisle runs just before it (a visual gap, never a cell). */
export interface ColumnSlot {
  letter: string;
  aisleBefore: boolean;
  /** Where the column sits across the cabin's width, 0 (left wall) … 1 (right wall), aisles counted: for ↑/↓. */
  x: number;
}

export interface RowLayout {
  row: number;
  cabin: Cabin;
  exit: boolean;
  extraLegroom: boolean;
  /** One entry per column of the cabin; `undefined` where the row has no seat in that column. */
  cells: (SeatMapSeat | undefined)[];
  columns: ColumnSlot[];
}

export interface CabinBand {
  cabin: Cabin;
  name: string;
  columns: ColumnSlot[];
  rows: RowLayout[];
}

export interface SeatLayout {
  cabins: CabinBand[];
  /** Every row of every cabin, front to back (rows without seats, e.g. a skipped row 13, are left out). */
  rows: RowLayout[];
  /** Where each seat is: index into `rows`, then into that row's `cells`. */
  positions: Map<string, { rowIndex: number; cellIndex: number }>;
}

const cabinNames: Record<Cabin, string> = {
  FIRST: 'First',
  BUSINESS: 'Business',
  PREMIUM_ECONOMY: 'Premium economy',
  ECONOMY: 'Economy',
};

export function cabinName(cabin: Cabin): string {
  return cabinNames[cabin] ?? cabin;
}

/** "ABC_DEF" → A B C | D E F, each with its position across the cabin. */
export function parseColumns(columns: string): ColumnSlot[] {
  const slots: ColumnSlot[] = [];
  const width = Math.max(1, columns.length - 1);
  let aisle = false;
  for (let i = 0; i < columns.length; i++) {
    const ch = columns[i]!;
    if (ch === '_') {
      aisle = slots.length > 0;
      continue;
    }
    slots.push({ letter: ch, aisleBefore: aisle, x: i / width });
    aisle = false;
  }
  return slots;
}

/**
 * The cabin as the map draws it, from a `SeatMapResponse`: cabin bands in row order, each with its column
 * letters and aisles, and rows whose cells line up under the columns. Pure: tested by layout.test.ts.
 */
export function buildLayout(map: Pick<SeatMapResponse, 'cabins' | 'exitRows' | 'seats'>): SeatLayout {
  const exitRows = new Set(map.exitRows);
  const byCabin = new Map<Cabin, Map<number, SeatMapSeat[]>>();
  for (const seat of map.seats) {
    let rows = byCabin.get(seat.cabin);
    if (!rows) byCabin.set(seat.cabin, (rows = new Map()));
    const list = rows.get(seat.row);
    if (list) list.push(seat);
    else rows.set(seat.row, [seat]);
  }
  const declared = [...map.cabins].sort((a, b) => a.firstRow - b.firstRow);
  // A cabin that has seats but is not declared (should not happen) still shows, after the declared ones.
  for (const cabin of byCabin.keys()) {
    if (!declared.some((c) => c.cabin === cabin)) {
      const rows = [...byCabin.get(cabin)!.keys()];
      declared.push({ cabin, firstRow: Math.min(...rows), lastRow: Math.max(...rows), columns: '' });
    }
  }
  const cabins: CabinBand[] = [];
  const allRows: RowLayout[] = [];
  const positions = new Map<string, { rowIndex: number; cellIndex: number }>();
  for (const declaration of declared) {
    const seatsByRow = byCabin.get(declaration.cabin);
    if (!seatsByRow || seatsByRow.size === 0) continue;
    const columns = withMissingColumns(parseColumns(declaration.columns), seatsByRow);
    const rows: RowLayout[] = [];
    for (const rowNumber of [...seatsByRow.keys()].sort((a, b) => a - b)) {
      const seats = seatsByRow.get(rowNumber)!;
      const cells = columns.map((c) => seats.find((s) => s.column === c.letter));
      const row: RowLayout = {
        row: rowNumber,
        cabin: declaration.cabin,
        exit: exitRows.has(rowNumber) || seats.some((s) => s.characteristics.includes('EXIT_ROW')),
        extraLegroom: seats.some((s) => s.characteristics.includes('EXTRA_LEGROOM')),
        cells,
        columns,
      };
      cells.forEach((seat, cellIndex) => {
        if (seat) positions.set(seat.seatNumber, { rowIndex: allRows.length, cellIndex });
      });
      rows.push(row);
      allRows.push(row);
    }
    cabins.push({ cabin: declaration.cabin, name: cabinName(declaration.cabin), columns, rows });
  }
  return { cabins, rows: allRows, positions };
}

function withMissingColumns(columns: ColumnSlot[], seatsByRow: Map<number, SeatMapSeat[]>): ColumnSlot[] {
  const known = new Set(columns.map((c) => c.letter));
  const extra = new Set<string>();
  for (const seats of seatsByRow.values()) for (const s of seats) if (!known.has(s.column)) extra.add(s.column);
  if (extra.size === 0) return columns;
  const all = [...columns.map((c) => c.letter), ...[...extra].sort()];
  return all.map((letter, i) => ({ letter, aisleBefore: columns[i]?.aisleBefore ?? false, x: all.length === 1 ? 0 : i / (all.length - 1) }));
}
