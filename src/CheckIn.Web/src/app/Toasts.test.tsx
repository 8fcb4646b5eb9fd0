import { act, cleanup, configure, render, screen } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notify } from '../lib/toast';
import { Toasts, useToasts } from './Toasts';

// Generous waits: the suite runs beside other builds on 2 cores.
configure({ asyncUtilTimeout: 5000 });
afterEach(cleanup);

let notify: Notify = () => {};
function Harness() {
  const t = useToasts(50);
  notify = t.notify;
  return <Toasts toasts={t.toasts} dismiss={t.dismiss} />;
}

describe('Toasts', () => {
  it('shows success as status and errors as alert in the "Messages" region; success goes by itself, errors stay', async () => {
    render(<Harness />);
    act(() => {
      notify({ kind: 'success', message: 'Seat 12A held.' });
      notify({ kind: 'error', message: 'That seat was just taken.' });
    });
    const region = screen.getByRole('region', { name: 'Messages' });
    expect(screen.getByRole('status').textContent).toContain('Seat 12A held.');
    expect(screen.getByRole('alert').textContent).toContain('That seat was just taken.');
    expect(region.contains(screen.getByRole('alert'))).toBe(true);

    await act(() => new Promise((r) => setTimeout(r, 120)));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('alert')).toBeTruthy();
  });

  it('a new error replaces the previous one; "Dismiss" closes a toast', async () => {
    render(<Harness />);
    act(() => notify({ kind: 'error', message: 'First problem.' }));
    act(() => notify({ kind: 'error', message: 'Second problem.' }));
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByRole('alert').textContent).toContain('Second problem.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
