import { cleanup, configure, render, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../api/client';
import { SignInForm } from './SignInForm';
import { fakeApi, json, problem, sampleSession } from './testing';

// Generous waits: the suite runs beside other builds on 2 cores.
configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);

function setup() {
  const fake = fakeApi();
  const api = createApi({ token: () => undefined }, 'http://localhost', fake.fetch);
  const onSession = vi.fn();
  render(<SignInForm api={api} onSession={onSession} showDemo />);
  return { fake, onSession, user: userEvent.setup() };
}

describe('SignInForm', () => {
  it('shows the API detail inline under the form, moves focus to it and does not reload', async () => {
    const { fake, onSession, user } = setup();
    fake.on('POST', '/api/sessions', () => problem(401, 'INVALID_CREDENTIALS', 'No booking matches that booking reference and last name.'));
    await user.type(screen.getByLabelText('PNR'), 'ZZZ999');
    await user.type(screen.getByLabelText('Last name'), 'Nobody');
    const submitted = vi.fn();
    screen.getByRole('button', { name: 'Find booking' }).closest('form')!.addEventListener('submit', (e) => submitted(e.defaultPrevented));
    await user.click(screen.getByRole('button', { name: 'Find booking' }));

    const alert = await screen.findByRole('alert');
    expect(alert.id).toBe('signin-error');
    expect(alert.textContent).toBe('No booking matches that booking reference and last name.');
    expect(alert.getAttribute('tabindex')).toBe('-1');
    await waitFor(() => expect(document.activeElement).toBe(alert));
    expect(submitted).toHaveBeenCalledWith(true);
    expect(onSession).not.toHaveBeenCalled();
    expect(fake.requests[0]!.body).toEqual({ pnr: 'ZZZ999', lastName: 'Nobody' });
  });

  it('marks the field the problem names as invalid and described by the error', async () => {
    const { fake, user } = setup();
    fake.on('POST', '/api/sessions', () => problem(400, 'VALIDATION_FAILED', 'The PNR must be 6 letters or digits.', { field: 'pnr' }));
    await user.type(screen.getByLabelText('PNR'), 'A!');
    await user.type(screen.getByLabelText('Last name'), 'Smith');
    await user.click(screen.getByRole('button', { name: 'Find booking' }));

    await screen.findByRole('alert');
    const pnr = screen.getByLabelText('PNR');
    expect(pnr.getAttribute('aria-invalid')).toBe('true');
    expect(pnr.getAttribute('aria-describedby')).toBe('signin-error');
    expect(screen.getByLabelText('Last name').hasAttribute('aria-invalid')).toBe(false);
  });

  it('"Use demo booking" fills ABC123 / Smith without submitting; "Find booking" then signs in', async () => {
    const { fake, onSession, user } = setup();
    const session = sampleSession('2026-12-03T11:00:00Z');
    fake.on('POST', '/api/sessions', () => json(201, session));
    await user.click(screen.getByRole('button', { name: 'Use demo booking' }));
    expect((screen.getByLabelText('PNR') as HTMLInputElement).value).toBe('ABC123');
    expect((screen.getByLabelText('Last name') as HTMLInputElement).value).toBe('Smith');
    expect(fake.requests).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Find booking' }));
    await waitFor(() => expect(onSession).toHaveBeenCalledWith(session));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks for an empty field without calling the API', async () => {
    const { fake, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Find booking' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/PNR/);
    expect(screen.getByLabelText('PNR').getAttribute('aria-invalid')).toBe('true');
    expect(fake.requests).toHaveLength(0);
  });
});
