import { useEffect, useRef, useState } from 'preact/hooks';
import { call, newIdempotencyKey, type Api, type CheckInResponse, type Outcome, type SessionPassenger, type Schemas } from '../api/client';
import type { ProblemInfo } from '../api/problem';
import type { Notify } from '../lib/toast';
import { Modal } from './Modal';
import { kilograms, money, passengerName } from './format';

type PaymentIntent = Schemas['PaymentIntent'];

/** How often a check-in waiting for payment is read again while the page is visible. */
export const PAYMENT_POLL_MS = 1500;

export interface CheckInPanelProps {
  api: Api;
  flightId: string;
  passengers: SessionPassenger[];
  activePassengerId: string;
  /** The booking's check-ins on this flight by passenger id (undefined while loading). */
  checkIns: Record<string, CheckInResponse | undefined>;
  /** Every check-in the panel learns (command answers, polls). */
  onCheckIns(checkIns: CheckInResponse[]): void;
  /** A command changed the booking's seats (complete, cancel): the seat map reads again. */
  onSeatsChanged(): void;
  notify: Notify;
  pollMs?: number;
}

/** The toast for a failed check-in command: the problem's message, or "Scale unavailable…" for the Weight service. */
export function checkInProblemMessage(problem: ProblemInfo): string {
  if (problem.code === 'WEIGHT_SERVICE_UNAVAILABLE') {
    return problem.retryAfterSeconds !== undefined
      ? `Scale unavailable, try again in ${problem.retryAfterSeconds} s.`
      : 'Scale unavailable, try again in a moment.';
  }
  return problem.message;
}

/** Why the latest payment did not go through. */
export function paymentFailure(payment: PaymentIntent | undefined): string | undefined {
  if (payment?.status === 'FAILED') return 'the payment was declined';
  if (payment?.status === 'CANCELED') return 'the payment was cancelled';
  return undefined;
}

/**
 * Screen 5: the active passenger's check-in. Start (with the passengers checked in together), bags, payment
 * (polled while waiting, resumed by itself when the webhook lands), complete and cancel; the buttons follow
 * `allowedActions`.
 */
export function CheckInPanel(props: CheckInPanelProps) {
  const { api, flightId, passengers, activePassengerId, checkIns, onCheckIns, onSeatsChanged, notify } = props;
  const pollMs = props.pollMs ?? PAYMENT_POLL_MS;
  const checkIn = checkIns[activePassengerId];
  const active = passengers.find((p) => p.passengerId === activePassengerId);
  const allowed = new Set(checkIn?.allowedActions ?? []);
  const [busy, setBusy] = useState<string>();
  const [bagTag, setBagTag] = useState('');
  const [bagError, setBagError] = useState<string>();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [together, setTogether] = useState<Record<string, boolean>>({});
  const latest = useRef(checkIn);
  latest.current = checkIn;

  const path = { flightId, passengerId: activePassengerId };

  /** Runs one command; a failure becomes a toast (and the check-in is read again after a conflict). */
  async function run<T>(name: string, request: () => Promise<Outcome<T>>, onOk: (data: T) => void): Promise<boolean> {
    if (busy) return false;
    setBusy(name);
    try {
      const outcome = await request();
      if (outcome.ok) {
        onOk(outcome.data);
        return true;
      }
      notify({ kind: 'error', message: checkInProblemMessage(outcome.problem) });
      if (outcome.problem.status === 409) void refresh();
      return false;
    } finally {
      setBusy(undefined);
    }
  }

  async function refresh() {
    const outcome = await call(api.GET('/api/flights/{flightId}/check-ins/{passengerId}', { params: { path } }));
    if (outcome.ok) onCheckIns([outcome.data]);
  }

  // While waiting for payment: read the check-in every pollMs while the page is visible; it resumes by itself
  // when the payment webhook lands.
  const waiting = checkIn?.status === 'WAITING_FOR_PAYMENT';
  useEffect(() => {
    if (!waiting) return;
    let stopped = false;
    let inFlight = false;
    const poll = async () => {
      if (stopped || inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      const before = latest.current;
      const outcome = await call(api.GET('/api/flights/{flightId}/check-ins/{passengerId}', { params: { path: { flightId, passengerId: activePassengerId } } }));
      inFlight = false;
      if (stopped || !outcome.ok) return;
      const after = outcome.data;
      if (after.status !== 'WAITING_FOR_PAYMENT') stopped = true;
      if (before?.status === 'WAITING_FOR_PAYMENT' && after.status !== 'WAITING_FOR_PAYMENT' && after.payment?.status === 'SUCCEEDED') {
        notify({ kind: 'success', message: 'Payment received.' });
      } else if (before?.payment?.status === 'REQUIRES_PAYMENT' && before.payment.intentId === after.payment?.intentId) {
        const why = paymentFailure(after.payment);
        // Worded apart from the panel's "Payment failed: …" line, so each text names one element.
        if (why) notify({ kind: 'error', message: `The payment did not go through (${why}). You can try again.` });
      }
      onCheckIns([after]);
    };
    const timer = setInterval(() => void poll(), pollMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void poll();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [waiting, api, flightId, activePassengerId, pollMs, notify, onCheckIns]);

  if (!active) return null;
  const name = passengerName(active);

  // Passengers who may start with the active one ("Check in together"); all checked by default.
  const startable = passengers.filter(
    (p) => p.passengerId !== activePassengerId && (checkIns[p.passengerId]?.allowedActions ?? []).includes('START'),
  );

  const start = () => {
    const ids = [activePassengerId, ...startable.filter((p) => together[p.passengerId] !== false).map((p) => p.passengerId)];
    const key = newIdempotencyKey();
    return run(
      'start',
      () =>
        call(
          api.POST('/api/flights/{flightId}/check-ins', {
            params: { path: { flightId }, header: { 'Idempotency-Key': key } },
            body: { passengerIds: ids },
          }),
        ),
      (data) => {
        onCheckIns(data.checkIns);
        notify({ kind: 'success', message: ids.length > 1 ? 'Check-in started for the passengers together.' : `Check-in started for ${name}.` });
      },
    );
  };

  const addBag = async (e: Event) => {
    e.preventDefault();
    const tag = bagTag.trim();
    if (!tag) {
      setBagError('Enter the bag tag number.');
      return;
    }
    setBagError(undefined);
    const key = newIdempotencyKey();
    let fieldProblem: string | undefined;
    await run(
      'bag',
      async () => {
        const outcome = await call(
          api.POST('/api/flights/{flightId}/check-ins/{passengerId}/bags', {
            params: { path, header: { 'Idempotency-Key': key } },
            body: { bagTag: tag },
          }),
        );
        if (!outcome.ok && outcome.problem.field === 'bagTag') fieldProblem = outcome.problem.message;
        return outcome;
      },
      (data) => {
        onCheckIns([data]);
        setBagTag('');
        const bag = data.bags.find((b) => b.bagTag === tag.toUpperCase());
        notify({ kind: 'success', message: bag ? `Bag ${bag.bagTag} added: ${kilograms(bag.weightKg)}.` : 'Bag added.' });
      },
    );
    setBagError(fieldProblem);
  };

  const retryPayment = () => {
    const key = newIdempotencyKey();
    return run(
      'pay',
      () =>
        call(
          api.POST('/api/flights/{flightId}/check-ins/{passengerId}/payment', { params: { path, header: { 'Idempotency-Key': key } } }),
        ),
      (data) => onCheckIns([data]),
    );
  };

  const complete = () => {
    const key = newIdempotencyKey();
    return run(
      'complete',
      () =>
        call(
          api.POST('/api/flights/{flightId}/check-ins/{passengerId}/complete', { params: { path, header: { 'Idempotency-Key': key } } }),
        ),
      (data) => {
        onCheckIns([data]);
        onSeatsChanged();
        notify({ kind: 'success', message: `${name} is checked in${data.seatNumber ? `, seat ${data.seatNumber}` : ''}.` });
      },
    );
  };

  const cancel = async () => {
    const key = newIdempotencyKey();
    const ok = await run(
      'cancel',
      () =>
        call(
          api.POST('/api/flights/{flightId}/check-ins/{passengerId}/cancel', {
            params: { path, header: { 'Idempotency-Key': key } },
            body: { reason: 'cancelled by the passenger' },
          }),
        ),
      (data) => {
        onCheckIns([data]);
        onSeatsChanged();
        notify({ kind: 'success', message: `Check-in cancelled for ${name}.` });
      },
    );
    if (ok) setConfirmCancel(false);
  };

  const payment = checkIn?.payment;
  const failure = paymentFailure(payment);

  return (
    <section class="panel checkin" aria-labelledby="checkin-heading">
      <h2 id="checkin-heading">Check-in</h2>
      {!checkIn ? (
        <p>Loading the check-in of {name}…</p>
      ) : (
        <>
          <p class="checkin-for">
            {name}: <CheckInSummary checkIn={checkIn} />
          </p>

          {allowed.has('START') && (
            <div class="checkin-start">
              {startable.length > 0 && (
                <fieldset>
                  <legend>Check in together</legend>
                  {startable.map((p) => (
                    <label class="choice" key={p.passengerId}>
                      <input
                        type="checkbox"
                        checked={together[p.passengerId] !== false}
                        onChange={(e) => setTogether((t) => ({ ...t, [p.passengerId]: e.currentTarget.checked }))}
                      />
                      {passengerName(p)}
                    </label>
                  ))}
                </fieldset>
              )}
              <button type="button" class="primary" onClick={() => void start()} aria-busy={busy === 'start' ? 'true' : undefined}>
                Start check-in
              </button>
            </div>
          )}

          {(checkIn.bags.length > 0 || allowed.has('ADD_BAG')) && (
            <div class="bags">
              <h3>Bags</h3>
              {checkIn.bags.length === 0 ? (
                <p>No bags checked.</p>
              ) : (
                <ul>
                  {checkIn.bags.map((b) => (
                    <li key={b.bagTag}>
                      {b.bagTag}: {kilograms(b.weightKg)}
                      {b.overweight && `, overweight, fee ${money(b.fee)}`}
                    </li>
                  ))}
                </ul>
              )}
              {allowed.has('ADD_BAG') && (
                <form class="bag-form" onSubmit={addBag} noValidate>
                  <div class="field">
                    <label for="bag-tag">Bag tag</label>
                    <input
                      id="bag-tag"
                      value={bagTag}
                      autocomplete="off"
                      autocapitalize="characters"
                      spellcheck={false}
                      onInput={(e) => setBagTag(e.currentTarget.value)}
                      {...(bagError ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'bag-error' } : {})}
                    />
                  </div>
                  <button type="submit" aria-busy={busy === 'bag' ? 'true' : undefined}>
                    Add bag
                  </button>
                  {bagError && (
                    <p id="bag-error" class="form-error">
                      {bagError}
                    </p>
                  )}
                </form>
              )}
            </div>
          )}

          {checkIn.status === 'WAITING_FOR_PAYMENT' && payment && (
            <div class="payment">
              {failure ? (
                <>
                  <p class="payment-failed">Payment failed: {failure}.</p>
                  {allowed.has('PAY') && (
                    <button type="button" class="primary" onClick={() => void retryPayment()} aria-busy={busy === 'pay' ? 'true' : undefined}>
                      Try payment again
                    </button>
                  )}
                </>
              ) : (
                <>
                  <p class="payment-due">Payment due: {money(payment.amount)}</p>
                  {payment.payUrl && allowed.has('PAY') && (
                    <a class="button primary" href={payment.payUrl} target="_blank" rel="noopener">
                      Pay
                    </a>
                  )}
                  <p class="hint">This page carries on by itself once the payment is received.</p>
                </>
              )}
            </div>
          )}

          {(allowed.has('COMPLETE') || allowed.has('CANCEL')) && (
            <div class="actions">
              {allowed.has('COMPLETE') && (
                <button type="button" class="primary" onClick={() => void complete()} aria-busy={busy === 'complete' ? 'true' : undefined}>
                  Complete check-in
                </button>
              )}
              {allowed.has('CANCEL') && (
                <button type="button" class="danger" onClick={() => setConfirmCancel(true)}>
                  Cancel check-in
                </button>
              )}
            </div>
          )}
        </>
      )}

      {confirmCancel && (
        <Modal labelledBy="cancel-heading" onCancel={() => setConfirmCancel(false)}>
          <h2 id="cancel-heading">Cancel check-in?</h2>
          <p>
            {name} will lose the seat{checkIn?.seatNumber ? ` ${checkIn.seatNumber}` : ''} and has to check in again.
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void cancel()} aria-busy={busy === 'cancel' ? 'true' : undefined}>
              Yes, cancel check-in
            </button>
            <button type="button" onClick={() => setConfirmCancel(false)}>
              Keep check-in
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}

function CheckInSummary({ checkIn }: { checkIn: CheckInResponse }) {
  switch (checkIn.status) {
    case 'NOT_STARTED':
    case 'CANCELLED':
      if (checkIn.allowedActions.includes('START')) return <>{checkIn.status === 'CANCELLED' ? 'check-in cancelled; you can check in again.' : 'not checked in yet.'}</>;
      return Date.parse(checkIn.opensAt) > Date.now() ? (
        <>check-in opens {new Date(checkIn.opensAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}.</>
      ) : (
        <>check-in is closed for this flight.</>
      );
    case 'IN_PROGRESS':
      return <>check-in in progress. Add bags, then complete it.</>;
    case 'WAITING_FOR_PAYMENT':
      return <>waiting for payment.</>;
    case 'COMPLETED':
      return <>checked in{checkIn.seatNumber ? `, seat ${checkIn.seatNumber}` : ''}.</>;
  }
}
