import type { SeatMapResponse, SeatMapSeat } from '../api/client';

/**
 * A small A320-like map for tests, shaped like the demo flight: Business rows 1-2 "AC_DF", Economy rows 4-14
 * "ABC_DEF" without row 13, exit rows 11 and 12, extra legroom in row 4, seat 14B missing (a gap), 14A blocked.
 */
export function testMap(overrides: Partial<SeatMapResponse> = {}): SeatMapResponse {
  const seats: SeatMapSeat[] = [];
  const add = (row: number, columns: string, cabin: SeatMapSeat['cabin']) => {
    const letters = columns.replace('_', '');
    for (const column of letters) {
      if (row === 14 && column === 'B') continue;
      const i = columns.indexOf(column);
      const position = i === 0 || i === columns.length - 1 ? 'WINDOW' : columns[i - 1] === '_' || columns[i + 1] === '_' ? 'AISLE' : 'MIDDLE';
      const characteristics: SeatMapSeat['characteristics'] = [position];
      if (row === 11 || row === 12) characteristics.push('EXIT_ROW', 'EXTRA_LEGROOM');
      if (row === 4) characteristics.push('EXTRA_LEGROOM');
      seats.push({ seatNumber: `${row}${column}`, row, column, cabin, characteristics, status: row === 14 && column === 'A' ? 'BLOCKED' : 'AVAILABLE' });
    }
  };
  for (const row of [1, 2]) add(row, 'AC_DF', 'BUSINESS');
  for (const row of [4, 5, 6, 7, 8, 9, 10, 11, 12, 14]) add(row, 'ABC_DEF', 'ECONOMY');
  return {
    flightId: 'SH101',
    origin: 'LHR',
    destination: 'CDG',
    departure: '2026-12-03T14:00:00+00:00',
    version: 10,
    lastUpdated: '2026-12-03T10:00:00+00:00',
    cabins: [
      { cabin: 'ECONOMY', firstRow: 4, lastRow: 14, columns: 'ABC_DEF' },
      { cabin: 'BUSINESS', firstRow: 1, lastRow: 2, columns: 'AC_DF' },
    ],
    exitRows: [11, 12],
    seats,
    ...overrides,
  };
}

/** The map with some seats changed (and optionally another version). */
export function withSeats(map: SeatMapResponse, changes: Record<string, Partial<SeatMapSeat>>, version = map.version): SeatMapResponse {
  return { ...map, version, seats: map.seats.map((s) => (changes[s.seatNumber] ? { ...s, ...changes[s.seatNumber] } : s)) };
}
