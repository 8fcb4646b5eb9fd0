import { describeProblem, type ProblemInfo } from '../api/problem';
import { serverClock } from './clock';

/** One server-sent event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Incremental `text/event-stream` parser (the WHATWG rules: `data`/`event`/`id`/`retry` fields, comments,
 * CR/LF/CRLF line ends, an event dispatched at a blank line). Pure, so it is tested on its own.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private id: string | undefined;
  /** The last `id:` seen (kept across events, as the spec's "last event ID buffer"). */
  lastEventId: string | undefined;
  /** The last `retry:` the server asked for, in ms. */
  retryMs: number | undefined;

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone CR at the end of a chunk may be the first half of CRLF: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.id !== undefined) this.lastEventId = this.id;
      if (this.data.length === 0) {
        this.eventType = '';
        return undefined;
      }
      const event: SseEvent = { event: this.eventType || 'message', data: this.data.join('\n') };
      if (this.lastEventId !== undefined) event.id = this.lastEventId;
      this.data = [];
      this.eventType = '';
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamOptions {
  url: string;
  /** Headers for each connection attempt (read again on every reconnect, e.g. the current token). */
  headers?: () => Record<string, string>;
  onEvent(event: SseEvent): void;
  onState?(state: StreamState, detail?: { delayMs?: number; problem?: ProblemInfo }): void;
  /** Called when the stream gives up (a 4xx other than 408/429: e.g. 401, 404). */
  onFatal?(problem: ProblemInfo): void;
  fetch?: typeof fetch;
  /** First reconnect delay when the server sent no `retry:` (ms). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * For streams whose server sends keep-alive comments (the seat-map stream: every 15 s): a stream that delivers
   * nothing for this long is taken for a dead connection (a network change without a reset can leave a read
   * hanging for minutes) and reopened. Off when absent: a stream without keep-alives (notifications) may be
   * silent for hours.
   */
  idleTimeoutMs?: number;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export interface EventStream {
  close(): void;
  lastEventId(): string | undefined;
}

/** The reconnect delay for attempt n (0-based): the server's `retry:` doubled per failure, capped, with jitter. */
export function reconnectDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  // Full jitter in the upper half: [exp/2, exp].
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * A server-sent event stream over `fetch` (so it can send `Authorization`, which `EventSource` cannot), that
 * reconnects by itself after a drop with `Last-Event-ID`, backing off on repeated failures and honouring
 * `Retry-After` on 429/503.
 */
export function openEventStream(options: StreamOptions): EventStream {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const schedule = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const cancel = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
  const maxDelay = options.maxDelayMs ?? 30_000;
  const idleTimeout = options.idleTimeoutMs;
  let lastId: string | undefined;
  let serverRetry: number | undefined;
  let failures = 0;
  let closed = false;
  let controller: AbortController | undefined;
  let timer: unknown;
  let watchdog: unknown;

  const retryLater = (problem?: ProblemInfo) => {
    if (closed) return;
    const base = serverRetry ?? options.initialDelayMs ?? 1000;
    let delay = reconnectDelay(failures, base, maxDelay, options.random);
    if (problem?.retryAfterSeconds !== undefined) delay = Math.max(delay, problem.retryAfterSeconds * 1000);
    failures++;
    options.onState?.('reconnecting', { delayMs: delay, ...(problem ? { problem } : {}) });
    timer = schedule(() => void connect(), delay);
  };

  const connect = async () => {
    if (closed) return;
    options.onState?.(failures === 0 && lastId === undefined ? 'connecting' : 'reconnecting');
    controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...(options.headers?.() ?? {}) };
    if (lastId !== undefined) headers['Last-Event-ID'] = lastId;
    let response: Response;
    try {
      response = await doFetch(options.url, { headers, signal: controller.signal, cache: 'no-store' });
    } catch {
      retryLater();
      return;
    }
    serverClock.observe(response.headers.get('Date'));
    if (!response.ok || !response.body) {
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      const problem = describeProblem(body as never, response.status, response.headers);
      const retriable = response.status >= 500 || response.status === 408 || response.status === 429;
      if (retriable) retryLater(problem);
      else {
        closed = true;
        options.onState?.('closed', { problem });
        options.onFatal?.(problem);
      }
      return;
    }
    const parser = new SseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const connection = controller;
    const watch = () => {
      if (idleTimeout === undefined) return;
      cancel(watchdog);
      watchdog = schedule(() => connection.abort(), idleTimeout);
    };
    let opened = false;
    try {
      watch();
      for (;;) {
        const { value, done } = await Promise.race([reader.read(), aborted(connection.signal)]);
        if (done) break;
        watch();
        if (!opened) {
          opened = true;
          failures = 0;
          options.onState?.('open');
        }
        for (const event of parser.push(value)) {
          if (event.id !== undefined) lastId = event.id;
          options.onEvent(event);
        }
        if (parser.retryMs !== undefined) serverRetry = parser.retryMs;
      }
    } catch {
      // Dropped connection, idle timeout or close(): handled below.
    }
    cancel(watchdog);
    void reader.cancel().catch(() => undefined);
    if (!closed) retryLater();
  };

  void connect();
  return {
    close() {
      closed = true;
      cancel(timer);
      cancel(watchdog);
      controller?.abort();
      options.onState?.('closed');
    },
    lastEventId: () => lastId,
  };
}

/** Settles (rejects) when the signal aborts, so a read that hangs on a dead connection can be given up. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
