import type { CheckInResponse, Schemas, SessionResponse } from '../api/client';

/** Test helpers: a fake API behind `fetch`, and sample answers. Not part of the bundle (only tests import it). */
export interface FakeRequest {
  method: string;
  path: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

type Handler = (req: FakeRequest) => Response | Promise<Response>;

export interface FakeApi {
  fetch: typeof fetch;
  /** Every request seen, in order. */
  requests: FakeRequest[];
  on(method: string, path: string | RegExp, handler: Handler): void;
}

/** A fetch that answers from handlers (the last matching one registered wins); unmatched → 404 problem. */
export function fakeApi(): FakeApi {
  const handlers: { method: string; path: string | RegExp; handler: Handler }[] = [];
  const requests: FakeRequest[] = [];
  const doFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let method: string;
    let url: URL;
    let headers: Headers;
    let text: string | undefined;
    if (input instanceof Request) {
      method = input.method;
      url = new URL(input.url);
      headers = input.headers;
      text = input.body ? await input.text() : undefined;
    } else {
      method = init?.method ?? 'GET';
      url = new URL(String(input), 'http://localhost');
      headers = new Headers(init?.headers);
      text = typeof init?.body === 'string' ? init.body : undefined;
    }
    const req: FakeRequest = { method, path: url.pathname, url, headers, body: text ? JSON.parse(text) : undefined };
    requests.push(req);
    for (let i = handlers.length - 1; i >= 0; i--) {
      const h = handlers[i]!;
      const matches = typeof h.path === 'string' ? h.path === req.path : h.path.test(req.path);
      if (h.method === method && matches) return h.handler(req);
    }
    return problem(404, 'NOT_FOUND', `No fake for ${method} ${req.path}.`);
  };
  return {
    fetch: doFetch as typeof fetch,
    requests,
    on(method, path, handler) {
      handlers.push({ method, path, handler });
    },
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Problem', status, code, detail, traceId: '00-x', ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

/** A stream response that stays open (the notification stream of a quiet booking). */
export function openStream(): Response {
  return new Response(new ReadableStream<Uint8Array>({ start() {} }), { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

export const passengers: SessionResponse['passengers'] = [
  { passengerId: 'ABC123-1', firstName: 'John', lastName: 'Smith', cabin: 'ECONOMY' },
  { passengerId: 'ABC123-2', firstName: 'Jane', lastName: 'Smith', cabin: 'ECONOMY' },
];

export function sampleSession(expiresAt: string, token = 'token-1'): SessionResponse {
  return {
    token,
    expiresAt,
    pnr: 'ABC123',
    passengers,
    flights: [{ flightId: 'SH101', departure: '2026-12-03T14:00:00Z' }],
  };
}

type Status = Schemas['CheckInStatus'];

const actions: Record<Status, Schemas['CheckInAction'][]> = {
  NOT_STARTED: ['START'],
  CANCELLED: ['START'],
  IN_PROGRESS: ['CHOOSE_SEAT', 'ADD_BAG', 'COMPLETE', 'CANCEL'],
  WAITING_FOR_PAYMENT: ['PAY', 'CANCEL'],
  COMPLETED: ['GET_BOARDING_PASS', 'CANCEL'],
};

export function checkIn(passengerId: string, status: Status, extra: Partial<CheckInResponse> = {}): CheckInResponse {
  return {
    flightId: 'SH101',
    passengerId,
    status,
    allowedActions: actions[status],
    opensAt: '2026-12-02T14:00:00Z',
    closesAt: '2026-12-03T13:15:00Z',
    bags: [],
    payments: [],
    version: 1,
    ...extra,
  };
}

export function paymentIntent(status: Schemas['PaymentIntent']['status'], intentId = 'pi_1'): Schemas['PaymentIntent'] {
  return {
    intentId,
    amount: { amount: 50, currency: 'EUR' },
    status,
    payUrl: `http://localhost/sim/pay/${intentId}`,
    refundDue: false,
    createdAt: '2026-12-03T10:00:00Z',
    updatedAt: '2026-12-03T10:00:00Z',
  };
}
