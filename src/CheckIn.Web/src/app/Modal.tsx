import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

export interface ModalProps {
  /** Id of the element that names the dialog (its heading). */
  labelledBy: string;
  /** Escape pressed: return to close (the caller unmounts the modal), or leave it open when absent. */
  onCancel?(): void;
  children: ComponentChildren;
  class?: string;
}

/**
 * A modal `<dialog>` shown while mounted (`showModal`: the page behind is inert and focus stays inside). Where
 * `showModal` is missing (old engines, jsdom) it falls back to the `open` attribute.
 */
export function Modal({ labelledBy, onCancel, children, class: className }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const unmounting = useRef(false);

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') {
        try {
          dialog.showModal();
        } catch {
          dialog.setAttribute('open', '');
        }
      } else {
        dialog.setAttribute('open', '');
      }
    }
    return () => {
      unmounting.current = true;
      if (typeof dialog.close === 'function' && dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={className ? `modal ${className}` : 'modal'}
      aria-labelledby={labelledBy}
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault();
        onCancel?.();
      }}
      onClose={() => {
        // The browser may close a modal without a cancellable event (Chrome: Escape pressed twice). A dialog that
        // must stay (no onCancel) opens again; otherwise closing counts as cancelling.
        const dialog = ref.current;
        if (unmounting.current || !dialog) return;
        if (onCancel) onCancel();
        else if (dialog.isConnected && !dialog.open && typeof dialog.showModal === 'function') dialog.showModal();
      }}
    >
      {children}
    </dialog>
  );
}
