import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, configure, render, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import type { SessionPassenger, WaitlistEntryResponse } from '../api/client';
import type { ToastInput } from '../lib/toast';
import { testMap } from '../seatmap/testMap';
import { TestServer } from '../seatmap/testServer';
import { WaitlistPanel } from './WaitlistPanel';

const alice: SessionPassenger = { passengerId: 'XYZ789-1', firstName: 'Alice', lastName: 'Jones', cabin: 'ECONOMY' };
const bob: SessionPassenger = { passengerId: 'XYZ789-2', firstName: 'Bob', lastName: 'Jones', cabin: 'ECONOMY' };

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

function entry(overrides: Partial<WaitlistEntryResponse>): WaitlistEntryResponse {
  return {
    flightId: 'SH101', entryId: 4, pnr: 'XYZ789', passengerIds: ['XYZ789-1', 'XYZ789-2'], cabin: 'ECONOMY', position: 'ANY',
    together: true, status: 'WAITING', placeInLine: 3, assignedSeats: [], joinedAt: '2026-12-03T12:00:00Z', updatedAt: '2026-12-03T12:00:00Z', version: 1,
    ...overrides,
  };
}

function renderPanel(refreshKey = 0) {
  return render(
    <WaitlistPanel api={server.api()} flightId="SH101" passengers={[alice, bob]} activePassengerId="XYZ789-1" notify={(t) => toasts.push(t)} refreshKey={refreshKey} />,
  );
}

describe('WaitlistPanel', { timeout: 30_000 }, () => {
  it('joins with cabin, position and together-with, shows the place in line, and leaves', async () => {
    const user = userEvent.setup();
    server.answers.set('/waitlist/XYZ789-1', () => ({ status: 404, body: { code: 'WAITLIST_ENTRY_NOT_FOUND', detail: 'Not on the waitlist.' } }));
    server.answers.set('/waitlist', () => ({ status: 201, body: entry({}) }));
    renderPanel();
    const cabin = (await screen.findByLabelText('Cabin')) as HTMLSelectElement;
    expect(cabin.value).toBe('ECONOMY');
    await user.selectOptions(screen.getByLabelText('Seat position'), 'Window');
    await user.click(screen.getByLabelText('Together with Bob Jones'));
    await user.click(screen.getByRole('button', { name: 'Join waitlist' }));
    await screen.findByText('Place in line: 3');
    const join = server.requests.find((r) => r.method === 'POST')!;
    expect(join.path).toBe('/api/flights/SH101/waitlist');
    expect(join.body).toEqual({ passengerId: 'XYZ789-1', cabin: 'ECONOMY', position: 'WINDOW', togetherWith: ['XYZ789-2'] });
    expect(join.headers.get('Idempotency-Key')).toBeTruthy();

    server.answers.set('/waitlist/XYZ789-1', () => ({ status: 200, body: entry({ status: 'LEFT', placeInLine: undefined, version: 2 }) }));
    await user.click(screen.getByRole('button', { name: 'Leave waitlist' }));
    await screen.findByRole('button', { name: 'Join waitlist' });
    expect(server.requests.some((r) => r.method === 'DELETE' && r.path === '/api/flights/SH101/waitlist/XYZ789-1')).toBe(true);
    expect(toasts).toContainEqual({ kind: 'success', message: 'You left the waitlist.' });
  });

  it('shows the problem under the form and marks the field it names', async () => {
    const user = userEvent.setup();
    server.answers.set('/waitlist/XYZ789-1', () => ({ status: 404, body: { code: 'WAITLIST_ENTRY_NOT_FOUND', detail: 'Not on the waitlist.' } }));
    server.answers.set('/waitlist', () => ({ status: 409, body: { code: 'PREFERENCE_ALREADY_MET', detail: 'Alice already has a window seat.', field: 'position' } }));
    renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Join waitlist' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Alice already has a window seat.');
    expect(screen.getByLabelText('Seat position').getAttribute('aria-invalid')).toBe('true');
    expect(toasts).toContainEqual({ kind: 'error', message: 'Alice already has a window seat.' });
  });

  it('reads the entry again when the app bumps refreshKey (a seat was assigned)', async () => {
    server.answers.set('/waitlist/XYZ789-1', () => ({ status: 200, body: entry({}) }));
    const view = renderPanel(0);
    await screen.findByText('Place in line: 3');
    server.answers.set('/waitlist/XYZ789-1', () => ({ status: 200, body: entry({ status: 'ASSIGNED', placeInLine: undefined, assignedSeats: ['14C', '14D'], version: 2 }) }));
    view.rerender(
      <WaitlistPanel api={server.api()} flightId="SH101" passengers={[alice, bob]} activePassengerId="XYZ789-1" notify={(t) => toasts.push(t)} refreshKey={1} />,
    );
    await waitFor(() => expect(screen.getByText('Seat 14C assigned')).toBeTruthy());
  });
});
