import type { SeatMapResponse, SeatResponse } from '../api/client';
import { createApi } from '../api/client';
import type { YourSeat } from '../app/contracts';

/** One request the fake server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

/**
 * A fake check-in API for component tests, installed as `globalThis.fetch` (openapi-fetch and the event stream
 * both use it): the seat map GET, the seat-map stream (pushed by the test), the seat commands and the waitlist.
 */
export class TestServer {
  requests: SeenRequest[] = [];
  map: SeatMapResponse;
  yourSeats: YourSeat[] = [];
  /** Answers of POST/DELETE by path suffix (e.g. '/seats/1A/hold'); a function may build it from the body. */
  answers = new Map<string, (body: unknown) => { status: number; body?: unknown }>();
  private streams: ReadableStreamDefaultController<Uint8Array>[] = [];

  constructor(map: SeatMapResponse) {
    this.map = map;
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: request.method, path: url.pathname, headers: request.headers, body });
    if (url.pathname.endsWith('/seatmap/stream')) {
      const stream = new ReadableStream<Uint8Array>({ start: (c) => void this.streams.push(c) });
      return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    if (request.method === 'GET' && url.pathname.endsWith('/seatmap')) {
      return json(200, { ...this.map, yourSeats: this.yourSeats });
    }
    for (const [suffix, answer] of this.answers) {
      if (url.pathname.endsWith(suffix)) {
        const { status, body: out } = answer(body);
        return out === undefined ? new Response(null, { status }) : json(status, out, status >= 400);
      }
    }
    return json(404, { code: 'NOT_FOUND_IN_TEST', detail: `No answer for ${request.method} ${url.pathname}.` }, true);
  };

  /** Ends every open seat-map stream (the server dropped them). */
  dropStreams(): void {
    for (const c of this.streams) c.error(new TypeError('connection reset'));
    this.streams = [];
  }

  /** Sends text to every open seat-map stream. */
  push(text: string): void {
    const bytes = new TextEncoder().encode(text);
    for (const c of this.streams) c.enqueue(bytes);
  }

  /** Sends the full map as the stream's first event. */
  pushMap(map: SeatMapResponse = this.map): void {
    this.push(`retry: 3000\n\nid: ${map.version}\nevent: seatmap\ndata: ${JSON.stringify(map)}\n\n`);
  }

  pushSeats(version: number, seats: { seatNumber: string; status: string; holdExpiresAt?: string }[]): void {
    this.push(`id: ${version}\nevent: seats\ndata: ${JSON.stringify({ version, seats })}\n\n`);
  }

  /** Answers a seat command with the seat as given; like the real API, later GETs list it in yourSeats. */
  seatCommand(path: string, seat: Omit<SeatResponse, 'flightId'>): void {
    this.answers.set(path, () => {
      this.yourSeats = this.yourSeats.filter((y) => y.seatNumber !== seat.seatNumber && y.passengerId !== seat.passengerId);
      if (seat.passengerId && (seat.status === 'HELD' || seat.status === 'CONFIRMED')) {
        this.yourSeats.push({ passengerId: seat.passengerId, seatNumber: seat.seatNumber, status: seat.status, ...(seat.holdExpiresAt ? { holdExpiresAt: seat.holdExpiresAt } : {}) });
      }
      return { status: 200, body: { flightId: this.map.flightId, ...seat } };
    });
  }

  api() {
    return createApi({ token: () => 'test-token' }, 'http://localhost');
  }
}

function json(status: number, body: unknown, problem = false): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': problem ? 'application/problem+json' : 'application/json' } });
}
