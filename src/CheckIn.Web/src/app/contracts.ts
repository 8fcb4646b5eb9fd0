import type { Api, SessionPassenger, Schemas } from '../api/client';
import type { Notify } from '../lib/toast';

export type YourSeat = Schemas['YourSeat'];

/**
 * What the app shell (src/app, slice ui-core) gives the seat map (src/seatmap, slice ui-seatmap) and the
 * waitlist panel (src/waitlist, slice ui-seatmap). Changing this file is a change to both slices.
 */
export interface FlightPanelProps {
  api: Api;
  flightId: string;
  /** Every passenger of the signed-in booking (the session's `passengers`). */
  passengers: SessionPassenger[];
  /** The passenger the map acts for (hold/confirm/release, waitlist join). Chosen in the app shell. */
  activePassengerId: string;
  notify: Notify;
  /**
   * Bumped by the app when something outside the panel changed this booking's seats or waitlist entries (a
   * SEAT_ASSIGNED notification, a cancelled check-in): the panel reads the map / entry again.
   */
  refreshKey: number;
}

export interface SeatMapPanelProps extends FlightPanelProps {
  /** The booking's own seats on this flight whenever the panel learns them (the map's `yourSeats`). */
  onYourSeats?(seats: YourSeat[]): void;
}

export type WaitlistPanelProps = FlightPanelProps;
