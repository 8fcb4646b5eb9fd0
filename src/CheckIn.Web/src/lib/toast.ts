/** What a screen hands the app's toast region (src/app owns the region; anyone may notify). */
export type ToastKind = 'success' | 'error' | 'info';

export interface ToastInput {
  kind: ToastKind;
  /** One sentence for the passenger (a problem's message, never a status code). */
  message: string;
}

export type Notify = (toast: ToastInput) => void;
