import type { SessionResponse } from '../api/client';

/** Where the session lives between page loads. */
export const SESSION_KEY = 'checkin.session';

/** What the UI keeps of a session: the API's answer to `POST /api/sessions`. */
export type Session = SessionResponse;

/**
 * Reads the stored session. Absent, unreadable or expired (by `now`, the server's clock) → undefined; an
 * unreadable or expired entry is removed so the next load does not trip over it.
 */
export function loadSession(storage: Storage, now: number): Session | undefined {
  let raw: string | null;
  try {
    raw = storage.getItem(SESSION_KEY);
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    clearSession(storage);
    return undefined;
  }
  if (!isSession(value) || msUntilExpiry(value, now) <= 0) {
    clearSession(storage);
    return undefined;
  }
  return value;
}

export function saveSession(storage: Storage, session: Session): void {
  try {
    storage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled (private mode): the session still works until the page is reloaded.
  }
}

export function clearSession(storage: Storage): void {
  try {
    storage.removeItem(SESSION_KEY);
  } catch {
    // Nothing to clear.
  }
}

/** Milliseconds until the token expires by `now` (negative once it has; NaN-safe: an unreadable date is expired). */
export function msUntilExpiry(session: Pick<Session, 'expiresAt'>, now: number): number {
  const at = Date.parse(session.expiresAt);
  return Number.isNaN(at) ? -1 : at - now;
}

function isSession(value: unknown): value is Session {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.token === 'string' &&
    v.token.length > 0 &&
    typeof v.expiresAt === 'string' &&
    typeof v.pnr === 'string' &&
    Array.isArray(v.passengers) &&
    Array.isArray(v.flights)
  );
}
