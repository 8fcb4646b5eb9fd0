import type { Schemas } from '../api/client';

export type SeatStatus = Schemas['SeatStatus'];
export type SeatCharacteristic = Schemas['SeatCharacteristic'];

/** What a seat is to this passenger: the status as the map shows it, from the booking's point of view. */
export type SeatState = 'available' | 'held' | 'occupied' | 'blocked' | 'offered' | 'held-yours' | 'confirmed-yours';

export function seatState(status: SeatStatus, yours: boolean): SeatState {
  switch (status) {
    case 'AVAILABLE':
      return 'available';
    case 'HELD':
      return yours ? 'held-yours' : 'held';
    case 'CONFIRMED':
      return yours ? 'confirmed-yours' : 'occupied';
    case 'BLOCKED':
      return 'blocked';
    case 'OFFERED':
      return 'offered';
  }
}

const stateWords: Record<SeatState, string> = {
  available: 'available',
  held: 'held',
  occupied: 'occupied',
  blocked: 'blocked',
  offered: 'offered to waitlist',
  'held-yours': 'held, yours',
  'confirmed-yours': 'confirmed, yours',
};

export function stateText(state: SeatState): string {
  return stateWords[state];
}

/** The seat's features as words, always in this order: window / middle / aisle, exit row, extra legroom. */
export function featureWords(characteristics: readonly SeatCharacteristic[]): string[] {
  const has = (c: SeatCharacteristic) => characteristics.includes(c);
  const words: string[] = [];
  if (has('WINDOW')) words.push('window');
  if (has('MIDDLE')) words.push('middle');
  if (has('AISLE')) words.push('aisle');
  if (has('EXIT_ROW')) words.push('exit row');
  if (has('EXTRA_LEGROOM')) words.push('extra legroom');
  return words;
}

/** The accessible name of a seat button: "12A, window, exit row, extra legroom, available". */
export function seatLabel(seatNumber: string, characteristics: readonly SeatCharacteristic[], state: SeatState): string {
  return [seatNumber, ...featureWords(characteristics), stateText(state)].join(', ');
}

/** Why Enter on a seat does nothing, for the grid's live region. */
export function whyNot(seatNumber: string, state: SeatState, holderName?: string): string {
  switch (state) {
    case 'held':
      return `${seatNumber} is held by another passenger.`;
    case 'occupied':
      return `${seatNumber} is taken.`;
    case 'blocked':
      return `${seatNumber} is blocked by the airline and cannot be chosen.`;
    case 'offered':
      return `${seatNumber} is being offered to the waitlist.`;
    case 'held-yours':
      return holderName
        ? `${seatNumber} is held for ${holderName}. Choose ${holderName} as the passenger to confirm it.`
        : `${seatNumber} is already held for you.`;
    case 'confirmed-yours':
      return holderName ? `${seatNumber} is already confirmed for ${holderName}.` : `${seatNumber} is already confirmed for you.`;
    case 'available':
      return `${seatNumber} is available.`;
  }
}
