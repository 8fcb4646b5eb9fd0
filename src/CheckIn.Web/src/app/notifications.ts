import { call, type Api, type NotificationResponse, type SessionPassenger } from '../api/client';
import type { ProblemInfo } from '../api/problem';
import { openEventStream, type EventStream } from '../lib/sse';
import { passengerName } from './format';

export interface NotificationStreamOptions {
  api: Api;
  token(): string | undefined;
  /** Only notifications after this sequence (the last one already seen); undefined: after the newest stored now. */
  after?: number;
  onNotification(n: NotificationResponse): void;
  /** The last sequence handled, to resume a later stream (a new session) where this one stopped. */
  onSequence?(sequence: number): void;
  onFatal?(problem: ProblemInfo): void;
  baseUrl?: string;
  fetch?: typeof fetch;
}

/**
 * The booking's notifications (`GET /api/notifications/stream`, bearer). Notifications that were stored before
 * the page opened are not shown again: the stream starts after the newest one `GET /api/notifications` lists.
 */
export function openNotifications(options: NotificationStreamOptions): { close(): void } {
  let stream: EventStream | undefined;
  let closed = false;
  void (async () => {
    let after = options.after;
    if (after === undefined) {
      const list = await call(options.api.GET('/api/notifications', {}));
      after = list.ok ? Math.max(0, ...list.data.notifications.map((n) => n.sequence)) : 0;
      if (!list.ok && list.problem.status === 401) {
        options.onFatal?.(list.problem);
        return;
      }
    }
    if (closed) return;
    options.onSequence?.(after);
    stream = openEventStream({
      url: `${options.baseUrl ?? ''}/api/notifications/stream?after=${after}`,
      headers: (): Record<string, string> => {
        const token = options.token();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      onEvent(event) {
        let n: NotificationResponse;
        try {
          n = JSON.parse(event.data) as NotificationResponse;
        } catch {
          return;
        }
        if (typeof n.sequence !== 'number') return;
        options.onSequence?.(n.sequence);
        options.onNotification(n);
      },
      ...(options.onFatal ? { onFatal: options.onFatal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  })();
  return {
    close() {
      closed = true;
      stream?.close();
    },
  };
}

/** "Seat 14C assigned to John Smith." (one sentence per passenger of the entry). */
export function seatAssignedMessage(n: NotificationResponse, passengers: readonly SessionPassenger[]): string {
  const sentences = n.passengerIds.map((id, i) => {
    const p = passengers.find((x) => x.passengerId === id);
    const seat = n.seats[i];
    return `Seat ${seat ?? '?'} assigned to ${p ? passengerName(p) : id}.`;
  });
  return sentences.length > 0 ? sentences.join(' ') : n.message;
}
