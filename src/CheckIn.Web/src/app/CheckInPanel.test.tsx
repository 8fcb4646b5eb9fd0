import { cleanup, configure, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { useCallback, useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type CheckInResponse } from '../api/client';
import type { Notify } from '../lib/toast';
import { CheckInPanel, checkInProblemMessage } from './CheckInPanel';
import { checkIn, fakeApi, json, passengers, paymentIntent, problem } from './testing';

// Generous waits: the suite runs beside other builds on 2 cores.
configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);

const CHECKIN = '/api/flights/SH101/check-ins/ABC123-1';

function Harness({ initial, api, notify, onSeatsChanged }: { initial: CheckInResponse[]; api: ReturnType<typeof createApi>; notify: Notify; onSeatsChanged(): void }) {
  const [checkIns, setCheckIns] = useState<Record<string, CheckInResponse | undefined>>(() => Object.fromEntries(initial.map((c) => [c.passengerId, c])));
  const onCheckIns = useCallback((list: CheckInResponse[]) => setCheckIns((all) => ({ ...all, ...Object.fromEntries(list.map((c) => [c.passengerId, c])) })), []);
  return (
    <CheckInPanel
      api={api}
      flightId="SH101"
      passengers={passengers}
      activePassengerId="ABC123-1"
      checkIns={checkIns}
      onCheckIns={onCheckIns}
      onSeatsChanged={onSeatsChanged}
      notify={notify}
      pollMs={20}
    />
  );
}

function setup(initial: CheckInResponse[]) {
  const fake = fakeApi();
  const api = createApi({ token: () => 'token-1' }, 'http://localhost', fake.fetch);
  const notify = vi.fn<Notify>();
  const onSeatsChanged = vi.fn();
  render(<Harness initial={initial} api={api} notify={notify} onSeatsChanged={onSeatsChanged} />);
  return { fake, notify, onSeatsChanged, user: userEvent.setup() };
}

describe('check-in problems → messages', () => {
  it('503 WEIGHT_SERVICE_UNAVAILABLE adding a bag → "Scale unavailable, try again in N s." from Retry-After', async () => {
    const { fake, notify, user } = setup([checkIn('ABC123-1', 'IN_PROGRESS')]);
    fake.on('POST', `${CHECKIN}/bags`, () =>
      problem(503, 'WEIGHT_SERVICE_UNAVAILABLE', 'The weight service is not answering.', {}, { 'Retry-After': '7' }),
    );
    await user.type(screen.getByLabelText('Bag tag'), 'BAG1');
    await user.click(screen.getByRole('button', { name: 'Add bag' }));
    await waitFor(() => expect(notify).toHaveBeenCalledWith({ kind: 'error', message: 'Scale unavailable, try again in 7 s.' }));
    const sent = fake.requests.find((r) => r.path === `${CHECKIN}/bags`)!;
    expect(sent.body).toEqual({ bagTag: 'BAG1' });
    expect(sent.headers.get('Idempotency-Key')).toMatch(/^[A-Za-z0-9_:.-]{1,100}$/);
    expect(sent.headers.get('Authorization')).toBe('Bearer token-1');
  });

  it('429 → the problem detail with "Try again in N s."', async () => {
    const { fake, notify, user } = setup([checkIn('ABC123-1', 'IN_PROGRESS')]);
    fake.on('POST', `${CHECKIN}/complete`, () =>
      problem(429, 'RATE_LIMITED', 'Too many requests from this client.', {}, { 'Retry-After': '12' }),
    );
    await user.click(screen.getByRole('button', { name: 'Complete check-in' }));
    await waitFor(() => expect(notify).toHaveBeenCalledWith({ kind: 'error', message: 'Too many requests from this client. Try again in 12 s.' }));
  });

  it('maps the weight service outage without Retry-After and leaves other problems as they are', () => {
    expect(checkInProblemMessage({ code: 'WEIGHT_SERVICE_UNAVAILABLE', status: 503, message: 'x' })).toBe('Scale unavailable, try again in a moment.');
    expect(checkInProblemMessage({ code: 'BAG_TOO_HEAVY', status: 422, message: 'The bag weighs 40 kg.' })).toBe('The bag weighs 40 kg.');
  });

  it('shows an added bag with its weight and fee', async () => {
    const { fake, user } = setup([checkIn('ABC123-1', 'IN_PROGRESS')]);
    fake.on('POST', `${CHECKIN}/bags`, () =>
      json(
        200,
        checkIn('ABC123-1', 'WAITING_FOR_PAYMENT', {
          bags: [{ bagTag: 'BAG1', weightKg: 27.5, overweight: true, fee: { amount: 50, currency: 'EUR' }, addedAt: '2026-12-03T10:00:00Z' }],
          payment: paymentIntent('REQUIRES_PAYMENT'),
        }),
      ),
    );
    await user.type(screen.getByLabelText('Bag tag'), 'BAG1');
    await user.click(screen.getByRole('button', { name: 'Add bag' }));
    expect(await screen.findByText('BAG1: 27.5 kg, overweight, fee EUR 50.00')).toBeTruthy();
    expect(screen.getByText('Payment due: EUR 50.00')).toBeTruthy();
  });
});

describe('payment', () => {
  it('polls while waiting for payment and resumes by itself when the webhook lands', async () => {
    const waiting = checkIn('ABC123-1', 'WAITING_FOR_PAYMENT', { payment: paymentIntent('REQUIRES_PAYMENT') });
    const { fake, notify } = setup([waiting]);
    let polls = 0;
    fake.on('GET', CHECKIN, () => {
      polls++;
      return json(200, polls < 3 ? waiting : checkIn('ABC123-1', 'IN_PROGRESS', { payment: paymentIntent('SUCCEEDED'), version: 3 }));
    });

    const pay = screen.getByRole('link', { name: 'Pay' });
    expect(pay.getAttribute('href')).toBe('http://localhost/sim/pay/pi_1');
    expect(pay.getAttribute('target')).toBe('_blank');
    expect(pay.getAttribute('rel')).toBe('noopener');

    await waitFor(() => expect(notify).toHaveBeenCalledWith({ kind: 'success', message: 'Payment received.' }));
    expect(await screen.findByRole('button', { name: 'Complete check-in' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Pay' })).toBeNull();
    // Polling stops once the check-in no longer waits.
    const seen = polls;
    await new Promise((r) => setTimeout(r, 100));
    expect(polls).toBe(seen);
  });

  it('does not poll while the page is hidden', async () => {
    const waiting = checkIn('ABC123-1', 'WAITING_FOR_PAYMENT', { payment: paymentIntent('REQUIRES_PAYMENT') });
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const { fake } = setup([waiting]);
    fake.on('GET', CHECKIN, () => json(200, waiting));
    await new Promise((r) => setTimeout(r, 120));
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0));
  });

  it('a failed payment shows why and offers a new attempt', async () => {
    const waiting = checkIn('ABC123-1', 'WAITING_FOR_PAYMENT', { payment: paymentIntent('REQUIRES_PAYMENT') });
    const { fake, notify, user } = setup([waiting]);
    fake.on('GET', CHECKIN, () => json(200, { ...waiting, payment: paymentIntent('FAILED') }));
    fake.on('POST', `${CHECKIN}/payment`, () => json(200, { ...waiting, payment: paymentIntent('REQUIRES_PAYMENT', 'pi_2') }));

    expect(await screen.findByText('Payment failed: the payment was declined.')).toBeTruthy();
    expect(notify).toHaveBeenCalledWith({ kind: 'error', message: 'The payment did not go through (the payment was declined). You can try again.' });
    fake.on('GET', CHECKIN, () => json(200, { ...waiting, payment: paymentIntent('REQUIRES_PAYMENT', 'pi_2') }));
    await user.click(screen.getByRole('button', { name: 'Try payment again' }));
    const pay = await screen.findByRole('link', { name: 'Pay' });
    expect(pay.getAttribute('href')).toBe('http://localhost/sim/pay/pi_2');
    expect(fake.requests.some((r) => r.method === 'POST' && r.path === `${CHECKIN}/payment`)).toBe(true);
  });
});

describe('start and cancel', () => {
  it('starts for the passengers checked in together (all by default)', async () => {
    const { fake, user } = setup([checkIn('ABC123-1', 'NOT_STARTED'), checkIn('ABC123-2', 'NOT_STARTED')]);
    fake.on('POST', '/api/flights/SH101/check-ins', (req) =>
      json(200, { checkIns: (req.body as { passengerIds: string[] }).passengerIds.map((id) => checkIn(id, 'IN_PROGRESS')) }),
    );
    const together = screen.getByRole('group', { name: 'Check in together' });
    expect((within(together).getByLabelText('Jane Smith') as HTMLInputElement).checked).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Start check-in' }));
    await screen.findByRole('button', { name: 'Complete check-in' });
    expect(fake.requests.at(-1)!.body).toEqual({ passengerIds: ['ABC123-1', 'ABC123-2'] });
  });

  it('"Cancel check-in" asks first; "Keep check-in" keeps it, "Yes, cancel check-in" cancels', async () => {
    const { fake, onSeatsChanged, user } = setup([checkIn('ABC123-1', 'COMPLETED', { seatNumber: '12A' })]);
    fake.on('POST', `${CHECKIN}/cancel`, () => json(200, checkIn('ABC123-1', 'CANCELLED')));

    await user.click(screen.getByRole('button', { name: 'Cancel check-in' }));
    let dialog = screen.getByRole('dialog', { name: 'Cancel check-in?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep check-in' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Cancel check-in' }));
    dialog = screen.getByRole('dialog', { name: 'Cancel check-in?' });
    await user.click(within(dialog).getByRole('button', { name: 'Yes, cancel check-in' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
    expect(onSeatsChanged).toHaveBeenCalled();
    expect(await screen.findByRole('button', { name: 'Start check-in' })).toBeTruthy();
  });
});
