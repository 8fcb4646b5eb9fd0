import type { CheckInResponse, SessionFlight, SessionPassenger, Schemas } from '../api/client';

export type CheckInStatus = Schemas['CheckInStatus'];
export type Money = Schemas['Money'];

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const hourMinute = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const full = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "SH101 · 3 Dec, 14:00" (local time). */
export function flightLabel(flight: SessionFlight): string {
  const at = new Date(flight.departure);
  if (Number.isNaN(at.getTime())) return flight.flightId;
  return `${flight.flightId} · ${dayMonth.format(at)}, ${hourMinute.format(at)}`;
}

/** The booking's flights by departure. */
export function byDeparture(flights: readonly SessionFlight[]): SessionFlight[] {
  return [...flights].sort((a, b) => Date.parse(a.departure) - Date.parse(b.departure) || a.flightId.localeCompare(b.flightId));
}

/** "Thu, 3 Dec 2026, 14:00" (local time). */
export function dateTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : full.format(at);
}

/** "14:00" (local time). */
export function time(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : hourMinute.format(at);
}

export function passengerName(p: Pick<SessionPassenger, 'firstName' | 'lastName'>): string {
  return `${p.firstName} ${p.lastName}`;
}

const stateWords: Record<CheckInStatus, string> = {
  NOT_STARTED: 'Not started',
  IN_PROGRESS: 'In progress',
  WAITING_FOR_PAYMENT: 'Waiting for payment',
  COMPLETED: 'Checked in',
  CANCELLED: 'Cancelled',
};

export function checkInStateWords(status: CheckInStatus | undefined): string {
  return status ? stateWords[status] : 'Not started';
}

/** "EUR 50.00". */
export function money(m: Money): string {
  return `${m.currency} ${Number(m.amount).toFixed(2)}`;
}

/** "23.5 kg". */
export function kilograms(kg: number): string {
  return `${Number(kg).toLocaleString('en-GB', { maximumFractionDigits: 1 })} kg`;
}

const cabinNames: Record<Schemas['Cabin'], string> = {
  FIRST: 'First',
  BUSINESS: 'Business',
  PREMIUM_ECONOMY: 'Premium economy',
  ECONOMY: 'Economy',
};

export function cabinName(cabin: Schemas['Cabin']): string {
  return cabinNames[cabin] ?? cabin;
}

/** The seat a passenger has: the completed check-in's seat, else their held/confirmed seat on the map. */
export function seatOf(checkIn: CheckInResponse | undefined, yourSeat: string | undefined): string | undefined {
  return checkIn?.seatNumber ?? yourSeat;
}

/** "John Smith: seat 12A, Checked in" / "Bob Jones: no seat, Not started". */
export function statusLine(passenger: SessionPassenger, checkIn: CheckInResponse | undefined, yourSeat: string | undefined): string {
  const seat = seatOf(checkIn, yourSeat);
  return `${passengerName(passenger)}: ${seat ? `seat ${seat}` : 'no seat'}, ${checkInStateWords(checkIn?.status)}`;
}
