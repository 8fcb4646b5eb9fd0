import { describe, expect, it } from 'vitest';
import { SseParser, openEventStream, reconnectDelay, type SseEvent, type StreamState } from './sse';

describe('SseParser', () => {
  it('parses events, multi-line data, comments and retry, across chunk boundaries and line ends', () => {
    const parser = new SseParser();
    const events: SseEvent[] = [];
    for (const chunk of ['retry: 3000\r', '\n\r\n: keep-alive\n\nid: 7\nevent: se', 'ats\ndata: {"a":\ndata: 1}\r\n', '\r\n']) {
      events.push(...parser.push(chunk));
    }
    expect(events).toEqual([{ id: '7', event: 'seats', data: '{"a":\n1}' }]);
    expect(parser.retryMs).toBe(3000);
    expect(parser.lastEventId).toBe('7');
  });

  it('keeps the last id for later events without one, and names untyped events "message"', () => {
    const parser = new SseParser();
    expect(parser.push('id: 3\ndata: x\n\ndata: y\n\n')).toEqual([
      { id: '3', event: 'message', data: 'x' },
      { id: '3', event: 'message', data: 'y' },
    ]);
  });

  it('waits for the LF of a CRLF split over two chunks (no empty event in between)', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\r\n')).toEqual([{ event: 'message', data: 'a' }]);
  });
});

describe('reconnectDelay', () => {
  it('doubles from the base per failure, capped, with jitter in the upper half', () => {
    expect(reconnectDelay(0, 1000, 30_000, () => 1)).toBe(1000);
    expect(reconnectDelay(0, 1000, 30_000, () => 0)).toBe(500);
    expect(reconnectDelay(3, 1000, 30_000, () => 1)).toBe(8000);
    expect(reconnectDelay(10, 1000, 30_000, () => 1)).toBe(30_000);
  });
});

/** A fake network: each connection attempt gets the next scripted answer; streams are pushed by the test. */
function harness() {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const answers: (() => Response | Promise<Response>)[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const states: { state: StreamState; delayMs?: number }[] = [];
  const events: SseEvent[] = [];
  const fatal: string[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string> });
    const answer = answers.shift();
    if (!answer) throw new TypeError('network down');
    return answer();
  }) as unknown as typeof globalThis.fetch;
  const stream = () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const encoder = new TextEncoder();
    return {
      response: () => new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
      send: (text: string) => controller.enqueue(encoder.encode(text)),
      end: () => controller.close(),
      drop: () => controller.error(new TypeError('connection reset')),
    };
  };
  const open = (idleTimeoutMs?: number) =>
    openEventStream({
      ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
      url: '/api/flights/SH101/seatmap/stream',
      fetch,
      onEvent: (e) => events.push(e),
      onState: (state, detail) => states.push({ state, ...(detail?.delayMs !== undefined ? { delayMs: detail.delayMs } : {}) }),
      onFatal: (p) => fatal.push(p.code),
      random: () => 1,
      setTimeout: (fn, ms) => {
        const timer = { fn, ms };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        const i = timers.indexOf(handle as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    });
  const runNextTimer = async (ms?: number) => {
    const i = ms === undefined ? 0 : timers.findIndex((t) => t.ms === ms);
    const timer = timers.splice(i, 1)[0];
    if (!timer) throw new Error('no timer scheduled');
    timer.fn();
    await settle();
    return timer.ms;
  };
  return { requests, answers, timers, states, events, fatal, stream, open, runNextTimer };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('openEventStream', () => {
  it('reconnects after a drop with Last-Event-ID, after the retry the server asked for', async () => {
    const h = harness();
    const first = h.stream();
    h.answers.push(first.response);
    h.open();
    await settle();
    first.send('retry: 3000\n\nid: 7\nevent: seatmap\ndata: {}\n\n');
    await settle();
    expect(h.events.map((e) => e.id)).toEqual(['7']);
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'open']);
    const second = h.stream();
    h.answers.push(second.response);
    first.drop();
    await settle();
    expect(h.timers.map((t) => t.ms)).toEqual([3000]);
    await h.runNextTimer();
    expect(h.requests[1]!.headers['Last-Event-ID']).toBe('7');
    expect(h.requests[0]!.headers['Last-Event-ID']).toBeUndefined();
    second.send('id: 8\nevent: seats\ndata: {}\n\n');
    await settle();
    expect(h.events.map((e) => e.id)).toEqual(['7', '8']);
    expect(h.states.at(-1)!.state).toBe('open');
  });

  it('backs off, doubling per failed attempt, and starts over once a stream opens', async () => {
    const h = harness();
    h.open();
    await settle();
    const delays = [h.timers[0]!.ms];
    for (let i = 0; i < 3; i++) {
      await h.runNextTimer();
      delays.push(h.timers[0]!.ms);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    const s = h.stream();
    h.answers.push(s.response);
    await h.runNextTimer();
    s.send('data: x\n\n');
    await settle();
    s.end();
    await settle();
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
  });

  it('waits at least Retry-After on 429 and 503', async () => {
    const h = harness();
    h.answers.push(() => new Response(JSON.stringify({ code: 'RATE_LIMITED', detail: 'Too many.' }), { status: 429, headers: { 'Retry-After': '17', 'Content-Type': 'application/problem+json' } }));
    h.open();
    await settle();
    expect(h.timers.map((t) => t.ms)).toEqual([17_000]);
    expect(h.states.at(-1)).toEqual({ state: 'reconnecting', delayMs: 17_000 });
    h.answers.push(() => new Response(null, { status: 503, headers: { 'Retry-After': '5' } }));
    await h.runNextTimer();
    expect(h.timers.map((t) => t.ms)).toEqual([5000]);
    expect(h.fatal).toEqual([]);
  });

  it('gives up on 401 (and other 4xx) without reconnecting', async () => {
    const h = harness();
    h.answers.push(() => new Response(JSON.stringify({ code: 'UNAUTHENTICATED', detail: 'Sign in again.' }), { status: 401 }));
    h.open();
    await settle();
    expect(h.fatal).toEqual(['UNAUTHENTICATED']);
    expect(h.timers).toEqual([]);
    expect(h.states.at(-1)!.state).toBe('closed');
  });

  it('reopens a stream that has gone silent (no event, no keep-alive) for 45 s', async () => {
    const h = harness();
    const first = h.stream();
    h.answers.push(first.response);
    h.open(45_000);
    await settle();
    first.send('retry: 3000\n\nid: 7\nevent: seatmap\ndata: {}\n\n');
    await settle();
    expect(h.timers.map((t) => t.ms)).toEqual([45_000]);
    first.send(': keep-alive\n\n');
    await settle();
    expect(h.timers.map((t) => t.ms)).toEqual([45_000]);
    // The connection is dead without a reset: nothing more arrives and the read would hang.
    h.answers.push(h.stream().response);
    await h.runNextTimer(45_000);
    expect(h.timers.map((t) => t.ms)).toEqual([3000]);
    await h.runNextTimer(3000);
    expect(h.requests).toHaveLength(2);
    expect(h.requests[1]!.headers['Last-Event-ID']).toBe('7');
  });

  it('keeps a quiet stream without keep-alives (no idle timeout asked for) open', async () => {
    const h = harness();
    const s = h.stream();
    h.answers.push(s.response);
    h.open();
    await settle();
    s.send('data: x\n\n');
    await settle();
    expect(h.timers).toEqual([]);
    expect(h.requests).toHaveLength(1);
  });

  it('stops reconnecting once closed', async () => {
    const h = harness();
    const s = h.stream();
    h.answers.push(s.response);
    const stream = h.open();
    await settle();
    s.send('data: x\n\n');
    await settle();
    stream.close();
    await settle();
    expect(h.timers).toEqual([]);
    expect(h.requests).toHaveLength(1);
  });
});
