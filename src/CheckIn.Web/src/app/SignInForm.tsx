import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type Api } from '../api/client';
import type { ProblemInfo } from '../api/problem';
import type { Session } from './session';

export const DEMO_BOOKING = { pnr: 'ABC123', lastName: 'Smith' } as const;

export interface SignInFormProps {
  api: Api;
  onSession(session: Session): void;
  initialPnr?: string;
  /** Shows "Use demo booking" (the sign-in screen; not the "session ended" dialog). */
  showDemo?: boolean;
  /** Focus the first empty field when shown (the dialog). */
  autoFocus?: boolean;
}

type Field = 'pnr' | 'lastName';

/**
 * PNR + last name → `POST /api/sessions`. A refusal shows the API's `detail` under the form (`#signin-error`,
 * `role="alert"`) and moves focus to it; a field the problem names is marked invalid. The page never reloads.
 */
export function SignInForm({ api, onSession, initialPnr = '', showDemo = false, autoFocus = false }: SignInFormProps) {
  const [pnr, setPnr] = useState(initialPnr);
  const [lastName, setLastName] = useState('');
  const [error, setError] = useState<{ message: string; field?: Field; seq: number }>();
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const pnrRef = useRef<HTMLInputElement>(null);
  const lastNameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  useEffect(() => {
    if (autoFocus) (initialPnr ? lastNameRef : pnrRef).current?.focus();
    // Only when the form appears.
  }, []);

  const fail = (message: string, field?: Field) => setError((e) => ({ message, ...(field ? { field } : {}), seq: (e?.seq ?? 0) + 1 }));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!pnr.trim()) return fail('Enter your booking reference (PNR).', 'pnr');
    if (!lastName.trim()) return fail('Enter the last name of a passenger on the booking.', 'lastName');
    setBusy(true);
    const outcome = await call(api.POST('/api/sessions', { body: { pnr: pnr.trim(), lastName: lastName.trim() } }));
    setBusy(false);
    if (outcome.ok) {
      setError(undefined);
      onSession(outcome.data);
    } else {
      fail(outcome.problem.message, fieldOf(outcome.problem));
    }
  };

  const invalid = (field: Field) =>
    error?.field === field ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'signin-error' } : {};

  return (
    <form class="signin" onSubmit={submit} noValidate>
      <div class="field">
        <label for="signin-pnr">PNR</label>
        <input
          id="signin-pnr"
          ref={pnrRef}
          name="pnr"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          value={pnr}
          onInput={(e) => setPnr(e.currentTarget.value)}
          {...invalid('pnr')}
        />
      </div>
      <div class="field">
        <label for="signin-last-name">Last name</label>
        <input
          id="signin-last-name"
          ref={lastNameRef}
          name="lastName"
          autocomplete="family-name"
          value={lastName}
          onInput={(e) => setLastName(e.currentTarget.value)}
          {...invalid('lastName')}
        />
      </div>
      <div class="actions">
        <button type="submit" class="primary" aria-busy={busy ? 'true' : undefined}>
          Find booking
        </button>
        {showDemo && (
          <button
            type="button"
            onClick={() => {
              setPnr(DEMO_BOOKING.pnr);
              setLastName(DEMO_BOOKING.lastName);
            }}
          >
            Use demo booking
          </button>
        )}
      </div>
      {error && (
        <p id="signin-error" class="form-error" role="alert" tabIndex={-1} ref={errorRef} key={error.seq}>
          {error.message}
        </p>
      )}
    </form>
  );
}

function fieldOf(problem: ProblemInfo): Field | undefined {
  const f = problem.field?.toLowerCase();
  if (f === 'pnr') return 'pnr';
  if (f === 'lastname') return 'lastName';
  return undefined;
}
