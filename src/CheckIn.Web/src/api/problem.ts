import type { components } from './schema';

export type Problem = Partial<components['schemas']['Problem']> & Record<string, unknown>;

/** A failed call, described for a person. `message` is what the UI shows; `code` is what it branches on. */
export interface ProblemInfo {
  /** The problem's stable code (`SEAT_UNAVAILABLE` …), `NETWORK_ERROR` when nothing answered, `HTTP_{status}` otherwise. */
  code: string;
  status: number;
  /** A sentence for the passenger: the problem's `detail`, or a plain fallback. Never a status code or a trace. */
  message: string;
  /** The field the problem names, for inline messages under a form. */
  field?: string;
  /** Seconds to wait from `Retry-After` (429, 503, HOLD_COOLDOWN). */
  retryAfterSeconds?: number;
}

/** Turns an API answer into what the UI shows. Pure: tested by problem.test.ts. */
export function describeProblem(problem: Problem | undefined, status: number, headers: Headers): ProblemInfo {
  const retryAfterSeconds = parseRetryAfter(headers.get('Retry-After'));
  const code = typeof problem?.code === 'string' ? problem.code : status === 0 ? 'NETWORK_ERROR' : `HTTP_${status}`;
  const field = typeof problem?.field === 'string' ? problem.field : undefined;
  let message = typeof problem?.detail === 'string' && problem.detail.trim() ? problem.detail.trim() : fallback(status);
  if ((status === 429 || status === 503 || code === 'HOLD_COOLDOWN') && retryAfterSeconds !== undefined) {
    // The server's detail may already say when ("Try again after 2026-…"): replace that with the wait in seconds.
    message = `${stripPeriod(message.replace(/\s*Try again after [^.]*(\.\d+)?[^.]*\.?\s*$/i, ''))}. Try again in ${retryAfterSeconds} s.`;
  }
  return { code, status, message, ...(field ? { field } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function fallback(status: number): string {
  if (status === 0) return 'The check-in service cannot be reached. Check your connection and try again.';
  if (status === 401) return 'Your session has ended. Please find your booking again.';
  if (status === 403) return 'That is not allowed for this booking.';
  if (status === 404) return 'That could not be found.';
  if (status === 409) return 'That changed in the meantime. Please try again.';
  if (status === 429) return 'Too many requests';
  if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  return 'That did not work. Please check and try again.';
}

function stripPeriod(text: string): string {
  return text.replace(/[.\s]+$/, '');
}
