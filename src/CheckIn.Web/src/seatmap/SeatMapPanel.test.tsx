import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, configure, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import type { SessionPassenger } from '../api/client';
import type { ToastInput } from '../lib/toast';
import { SeatMapPanel } from './SeatMapPanel';
import { testMap } from './testMap';
import { TestServer } from './testServer';

const john: SessionPassenger = { passengerId: 'ABC123-1', firstName: 'John', lastName: 'Smith', cabin: 'ECONOMY' };

// A loaded machine may take more than the default 1 s to repaint; waits end as soon as the page is right.
configure({ asyncUtilTimeout: 5_000 });

let server: TestServer;
let toasts: ToastInput[];

beforeEach(() => {
  server = new TestServer(testMap());
  toasts = [];
  vi.stubGlobal('fetch', server.fetch);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function renderPanel() {
  render(
    <SeatMapPanel
      api={server.api()}
      flightId="SH101"
      passengers={[john]}
      activePassengerId="ABC123-1"
      notify={(t) => toasts.push(t)}
      refreshKey={0}
    />,
  );
  await waitFor(() => expect(server.requests.some((r) => r.path.endsWith('/stream'))).toBe(true));
  server.pushMap();
  const grid = await screen.findByRole('grid', { name: 'Seat map, flight SH101' });
  await screen.findByText('Live');
  return grid;
}

const seat = (name: string) => screen.getByRole('button', { name });

// Generous per-test limits: a loaded 2-core machine renders the 170-seat grid slowly; nothing here asserts a duration.
describe('SeatMapPanel', { timeout: 30_000 }, () => {
  it('is one tab stop; arrow keys, Home and End move focus between seats and skip gaps', async () => {
    const user = userEvent.setup();
    const grid = await renderPanel();
    expect(within(grid).getAllByRole('button').filter((b) => b.tabIndex === 0)).toHaveLength(1);
    await user.tab();
    expect(document.activeElement).toBe(seat('1A, window, available'));
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(seat('1C, aisle, available'));
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toBe(seat('4C, aisle, extra legroom, available'));
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(seat('4F, window, extra legroom, available'));
    await user.keyboard('{Control>}{End}{/Control}{ArrowLeft}');
    expect(document.activeElement).toBe(seat('14E, middle, available'));
    await user.keyboard('{ArrowLeft}{ArrowLeft}{ArrowLeft}');
    expect(document.activeElement).toBe(seat('14A, window, blocked'));
    expect(within(grid).getAllByRole('button').filter((b) => b.tabIndex === 0)).toEqual([document.activeElement]);
  });

  it('holds the seat on Enter for the active passenger, keeps focus on it and counts down', async () => {
    const user = userEvent.setup();
    await renderPanel();
    const expires = new Date(Date.now() + 120_000).toISOString();
    server.seatCommand('/seats/1A/hold', { seatNumber: '1A', status: 'HELD', passengerId: 'ABC123-1', holdExpiresAt: expires });
    await user.tab();
    const button = seat('1A, window, available');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(button.getAttribute('aria-label')).toBe('1A, window, held, yours'));
    expect(button.getAttribute('aria-label')).toBe('1A, window, held, yours');
    expect(document.activeElement).toBe(button);
    const hold = server.requests.find((r) => r.path.endsWith('/seats/1A/hold'))!;
    expect(hold.method).toBe('POST');
    expect(hold.body).toEqual({ passengerId: 'ABC123-1' });
    expect(hold.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    const yours = screen.getByRole('region', { name: 'Your seat' });
    expect(within(yours).getByText('John Smith: seat 1A held')).toBeTruthy();
    expect(within(yours).getByRole('timer').textContent).toMatch(/^Hold expires in (2:00|1:59)$/);
    expect(within(yours).getByRole('button', { name: 'Confirm seat 1A' })).toBeTruthy();
    expect(within(yours).getByRole('button', { name: 'Release seat 1A' })).toBeTruthy();
    expect(toasts).toContainEqual({ kind: 'success', message: 'Seat 1A held for John Smith.' });
  });

  it('keeps focus on a seat whose state changes on the stream, and explains why it cannot be taken', async () => {
    const user = userEvent.setup();
    await renderPanel();
    await user.tab();
    await user.keyboard('{ArrowRight}');
    const button = seat('1C, aisle, available');
    expect(document.activeElement).toBe(button);
    server.pushSeats(11, [{ seatNumber: '1C', status: 'HELD', holdExpiresAt: new Date(Date.now() + 60_000).toISOString() }]);
    await waitFor(() => expect(button.getAttribute('aria-label')).toBe('1C, aisle, held'));
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    await user.keyboard('{Enter}');
    expect(screen.getByText('1C is held by another passenger.')).toBeTruthy();
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
    // An older event never undoes a newer one.
    server.pushSeats(11, [{ seatNumber: '1C', status: 'AVAILABLE' }]);
    server.pushSeats(12, [{ seatNumber: '2A', status: 'BLOCKED' }]);
    await waitFor(() => expect(seat('2A, window, blocked')).toBeTruthy());
    expect(button.getAttribute('aria-label')).toBe('1C, aisle, held');
  });

  it('frees an expiring hold on screen at once and says so', async () => {
    server.yourSeats = [{ passengerId: 'ABC123-1', seatNumber: '5A', status: 'HELD', holdExpiresAt: new Date(Date.now() + 1_500).toISOString() }];
    await renderPanel();
    const button = await screen.findByRole('button', { name: '5A, window, held, yours' });
    await waitFor(() => expect(button.getAttribute('aria-label')).toBe('5A, window, available'), { timeout: 5_000 });
    await waitFor(() => expect(toasts).toContainEqual({ kind: 'info', message: 'Your hold on 5A expired.' }), { timeout: 5_000 });
    await waitFor(() => expect(screen.getByText('John Smith: no seat yet')).toBeTruthy(), { timeout: 5_000 });
  });

  it('confirms the own hold on Enter and shows a refused command as an error toast', async () => {
    const user = userEvent.setup();
    server.yourSeats = [{ passengerId: 'ABC123-1', seatNumber: '1A', status: 'HELD', holdExpiresAt: new Date(Date.now() + 100_000).toISOString() }];
    await renderPanel();
    const button = await screen.findByRole('button', { name: '1A, window, held, yours' });
    server.answers.set('/seats/1A/confirm', () => ({ status: 410, body: { code: 'HOLD_EXPIRED', detail: 'Your hold on 1A expired; hold it again.' } }));
    await user.tab();
    expect(document.activeElement).toBe(button);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(toasts).toContainEqual({ kind: 'error', message: 'Your hold on 1A expired; hold it again.' }));
    server.seatCommand('/seats/1A/confirm', { seatNumber: '1A', status: 'CONFIRMED', passengerId: 'ABC123-1' });
    await user.keyboard(' ');
    await waitFor(() => expect(button.getAttribute('aria-label')).toBe('1A, window, confirmed, yours'));
    expect(screen.getByText('John Smith: seat 1A confirmed')).toBeTruthy();
  });

  it("shows the status Reconnecting… after a drop, resumes with Last-Event-ID and shows what changed meanwhile", async () => {
    await renderPanel();
    server.dropStreams();
    await screen.findByText('Reconnecting…');
    // The server's retry hint is 3 s; the first reconnect waits 1.5-3 s.
    await waitFor(() => expect(server.requests.filter((r) => r.path.endsWith('/stream'))).toHaveLength(2), { timeout: 5_000 });
    expect(server.requests.filter((r) => r.path.endsWith('/stream'))[1]!.headers.get('Last-Event-ID')).toBe('10');
    server.pushSeats(12, [{ seatNumber: '7C', status: 'CONFIRMED' }]);
    await screen.findByText('Live');
    await waitFor(() => expect(seat('7C, aisle, occupied')).toBeTruthy());
  });

  it("names the passenger on another passenger's seat and explains that the active one cannot confirm it", async () => {
    const user = userEvent.setup();
    const bob: SessionPassenger = { passengerId: 'ABC123-2', firstName: 'Bob', lastName: 'Smith', cabin: 'ECONOMY' };
    server.yourSeats = [{ passengerId: 'ABC123-2', seatNumber: '1A', status: 'HELD', holdExpiresAt: new Date(Date.now() + 100_000).toISOString() }];
    render(
      <SeatMapPanel api={server.api()} flightId="SH101" passengers={[john, bob]} activePassengerId="ABC123-1" notify={(t) => toasts.push(t)} refreshKey={0} />,
    );
    await waitFor(() => expect(server.requests.some((r) => r.path.endsWith('/stream'))).toBe(true));
    server.pushMap();
    const button = await screen.findByRole('button', { name: '1A, window, held, yours' });
    expect(button.getAttribute('title')).toBe('Bob');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    await user.click(button);
    expect(screen.getByText('1A is held for Bob Smith. Choose Bob Smith as the passenger to confirm it.')).toBeTruthy();
    expect(screen.getByText('Bob Smith: seat 1A held')).toBeTruthy();
    expect(screen.getByText('John Smith: no seat yet')).toBeTruthy();
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
  });
});
