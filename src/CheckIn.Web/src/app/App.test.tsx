import { cleanup, configure, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { loadSession, SESSION_KEY } from './session';
import { checkIn, fakeApi, json, openStream, problem, sampleSession, type FakeApi } from './testing';

// Generous waits: the suite runs beside other builds on 2 cores.
configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);
beforeEach(() => localStorage.clear());

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

function booking(fake: FakeApi) {
  fake.on('GET', /^\/api\/flights\/SH101\/check-ins\/[^/]+$/, (req) => json(200, checkIn(req.path.split('/').at(-1)!, 'NOT_STARTED')));
  fake.on('GET', '/api/notifications', () => json(200, { notifications: [] }));
  fake.on('GET', '/api/notifications/stream', () => openStream());
}

describe('App session', () => {
  it('restores a stored session on load: the booking screen, not the sign-in form', async () => {
    const fake = fakeApi();
    booking(fake);
    localStorage.setItem(SESSION_KEY, JSON.stringify(sampleSession(inAnHour())));
    render(<App storage={localStorage} fetch={fake.fetch} baseUrl="http://localhost" />);

    expect(screen.getByRole('heading', { level: 1, name: 'Booking ABC123' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(screen.queryByLabelText('PNR')).toBeNull();
    expect(await screen.findByText('John Smith: no seat, Not started')).toBeTruthy();
    expect(screen.getByText('Jane Smith: no seat, Not started')).toBeTruthy();
    const get = fake.requests.find((r) => r.path === '/api/flights/SH101/check-ins/ABC123-1')!;
    expect(get.headers.get('Authorization')).toBe('Bearer token-1');
  });

  it('starts on the sign-in screen when the stored session has expired', () => {
    const fake = fakeApi();
    localStorage.setItem(SESSION_KEY, JSON.stringify(sampleSession(new Date(Date.now() - 1000).toISOString())));
    render(<App storage={localStorage} fetch={fake.fetch} baseUrl="http://localhost" />);
    expect(screen.getByRole('heading', { level: 1, name: 'Check in online' })).toBeTruthy();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('signs in, keeps the session in localStorage, and signs out', async () => {
    const fake = fakeApi();
    booking(fake);
    const session = sampleSession(inAnHour());
    fake.on('POST', '/api/sessions', () => json(201, session));
    const user = userEvent.setup();
    render(<App storage={localStorage} fetch={fake.fetch} baseUrl="http://localhost" />);
    await user.click(screen.getByRole('button', { name: 'Use demo booking' }));
    await user.click(screen.getByRole('button', { name: 'Find booking' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Booking ABC123' })).toBeTruthy();
    expect(loadSession(localStorage, Date.now())).toEqual(session);
    expect(screen.getByLabelText('Flight')).toBeTruthy();
    expect((screen.getByLabelText('Flight') as HTMLSelectElement).selectedOptions[0]!.textContent).toMatch(/^SH101 · \d{1,2} Dec, \d\d:\d\d$/);

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Check in online' })).toBeTruthy();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('when the token expires, a dialog asks to sign in again over the screen, which stays as it was', async () => {
    const fake = fakeApi();
    booking(fake);
    localStorage.setItem(SESSION_KEY, JSON.stringify(sampleSession(new Date(Date.now() + 1500).toISOString())));
    const renewed = sampleSession(inAnHour(), 'token-2');
    fake.on('POST', '/api/sessions', () => json(201, renewed));
    const user = userEvent.setup();
    render(<App storage={localStorage} fetch={fake.fetch} baseUrl="http://localhost" />);
    await user.click(screen.getByRole('radio', { name: 'Jane Smith' }));

    const dialog = await screen.findByRole('dialog', { name: 'Your session has ended' }, { timeout: 10_000 });
    expect((within(dialog).getByLabelText('PNR') as HTMLInputElement).value).toBe('ABC123');
    // The screen behind is unchanged: still the booking, Jane still the active passenger.
    expect(screen.getByRole('heading', { level: 1, name: 'Booking ABC123', hidden: true })).toBeTruthy();
    expect((screen.getByRole('radio', { name: 'Jane Smith', hidden: true }) as HTMLInputElement).checked).toBe(true);

    await user.type(within(dialog).getByLabelText('Last name'), 'Smith');
    await user.click(within(dialog).getByRole('button', { name: 'Find booking' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((screen.getByRole('radio', { name: 'Jane Smith' }) as HTMLInputElement).checked).toBe(true);
    expect(loadSession(localStorage, Date.now())?.token).toBe('token-2');
    // The new token is used from now on.
    await waitFor(() => expect(fake.requests.some((r) => r.headers.get('Authorization') === 'Bearer token-2')).toBe(true));
  });

  it('a 401 SESSION_EXPIRED from the API opens the same dialog', async () => {
    const fake = fakeApi();
    booking(fake);
    fake.on('GET', /^\/api\/flights\/SH101\/check-ins\/[^/]+$/, () => problem(401, 'SESSION_EXPIRED', 'The session has expired.'));
    localStorage.setItem(SESSION_KEY, JSON.stringify(sampleSession(inAnHour())));
    render(<App storage={localStorage} fetch={fake.fetch} baseUrl="http://localhost" />);
    expect(await screen.findByRole('dialog', { name: 'Your session has ended' })).toBeTruthy();
  });
});

describe('App notifications', () => {
  it('SEAT_ASSIGNED → a success toast naming seat and passenger, and the booking is read again', async () => {
    const fake = fakeApi();
    booking(fake);
    fake.on('GET', '/api/notifications', () =>
      json(200, { notifications: [{ sequence: 4, id: 'n4', type: 'WAITLIST_JOINED', flightId: 'SH101', pnr: 'ABC123', passengerIds: ['ABC123-1'], seats: [], entryId: 1, message: 'Joined.', at: '2026-12-03T10:00:00Z' }] }),
    );
    const encoder = new TextEncoder();
    let push: (text: string) => void = () => {};
    fake.on('GET', '/api/notifications/stream', () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(encoder.encode(text));
          },
        }),
        { status: 200, headers: { 'Content-Type': 'text/event-stream' } },
      ),
    );
    localStorage.setItem(SESSION_KEY, JSON.stringify(sampleSession(inAnHour())));
    render(<App storage={localStorage} fetch={fake.fetch} baseUrl="http://localhost" />);
    await screen.findByText('John Smith: no seat, Not started');
    await waitFor(() => expect(fake.requests.some((r) => r.path === '/api/notifications/stream')).toBe(true));
    const stream = fake.requests.find((r) => r.path === '/api/notifications/stream')!;
    // Only what happens from now on: the stream starts after the newest stored notification.
    expect(stream.url.searchParams.get('after')).toBe('4');
    expect(stream.headers.get('Authorization')).toBe('Bearer token-1');
    const readsBefore = fake.requests.filter((r) => r.path === '/api/flights/SH101/check-ins/ABC123-1').length;

    const n = { sequence: 5, id: 'n5', type: 'SEAT_ASSIGNED', flightId: 'SH101', pnr: 'ABC123', passengerIds: ['ABC123-1'], seats: ['14C'], entryId: 1, message: 'Seat 14C.', at: '2026-12-03T10:01:00Z' };
    push(`id: 5\nevent: SEAT_ASSIGNED\ndata: ${JSON.stringify(n)}\n\n`);

    const toast = await screen.findByText('Seat 14C assigned to John Smith.');
    expect(toast.closest('[role="status"]')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Messages' })).getByText('Seat 14C assigned to John Smith.')).toBeTruthy();
    await waitFor(() => expect(fake.requests.filter((r) => r.path === '/api/flights/SH101/check-ins/ABC123-1').length).toBeGreaterThan(readsBefore));
  });
});
