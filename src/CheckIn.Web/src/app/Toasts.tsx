import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Notify, ToastInput } from '../lib/toast';

export interface Toast extends ToastInput {
  id: number;
}

/** How long a success/info toast stays (errors stay until dismissed or replaced by the next error). */
export const TOAST_MS = 6000;
const MAX_TOASTS = 4;

/** The app's toasts: `notify` adds one; an error replaces the previous error; success/info go after 6 s. */
export function useToasts(autoDismissMs: number = TOAST_MS): { toasts: Toast[]; notify: Notify; dismiss(id: number): void } {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.current.delete(id);
    setToasts((all) => all.filter((t) => t.id !== id));
  }, []);

  const notify = useCallback<Notify>(
    (input) => {
      const toast: Toast = { ...input, id: next.current++ };
      setToasts((all) => {
        const kept = input.kind === 'error' ? all.filter((t) => t.kind !== 'error') : all;
        return [...kept, toast].slice(-MAX_TOASTS);
      });
      if (input.kind !== 'error') {
        timers.current.set(
          toast.id,
          setTimeout(() => dismiss(toast.id), autoDismissMs),
        );
      }
    },
    [autoDismissMs, dismiss],
  );

  useEffect(() => {
    const all = timers.current;
    return () => all.forEach((t) => clearTimeout(t));
  }, []);

  return { toasts, notify, dismiss };
}

/** The toasts region: success/info as `status`, errors as `alert`, each with a "Dismiss" button. */
export function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss(id: number): void }) {
  return (
    <section class="toasts" aria-label="Messages">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <p class="toast-message">{t.message}</p>
          <button type="button" class="toast-dismiss" onClick={() => dismiss(t.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
