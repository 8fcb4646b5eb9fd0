/** Milliseconds left until `expiresAt` (ISO 8601) at server time `serverNow`; 0 once passed or unreadable. */
export function remainingMs(expiresAt: string | undefined, serverNow: number): number {
  if (!expiresAt) return 0;
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) ? 0 : Math.max(0, at - serverNow);
}

/** "1:58" — whole seconds left, rounded up, so "0:00" only shows once the hold has expired. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * How long to wait before the next countdown repaint: until the displayed second changes (so the seat frees
 * itself the moment the countdown reaches 0), at most a second.
 */
export function nextTickMs(remaining: number[]): number {
  let wait = 1000;
  for (const ms of remaining) {
    if (ms <= 0) continue;
    const toBoundary = ms % 1000 === 0 ? 1000 : ms % 1000;
    wait = Math.min(wait, toBoundary);
  }
  return Math.max(20, wait);
}
