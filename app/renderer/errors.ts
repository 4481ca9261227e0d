/**
 * Every error reaches the user with what to do about it; nothing is swallowed. Errors are also logged to the
 * console so the e2e tests (which fail on console errors) see them.
 */
export function showError(message: string, advice?: string): void {
  console.error(advice ? `${message} — ${advice}` : message);
  const toasts = document.getElementById('toasts');
  if (!toasts) return;
  const toast = document.createElement('div');
  toast.className = 'toast';
  toast.textContent = advice ? `${message}. ${advice}` : message;
  toasts.appendChild(toast);
  setTimeout(() => toast.remove(), 12_000);
}

export function installGlobalErrorHandlers(): void {
  window.addEventListener('error', (event) =>
    showError(`Unexpected error: ${event.message}`, 'Reload the window; if it happens again, please report it.'),
  );
  window.addEventListener('unhandledrejection', (event) => {
    const reason = event.reason instanceof Error ? event.reason.message : String(event.reason);
    showError(`Unexpected error: ${reason}`, 'Reload the window; if it happens again, please report it.');
  });
}
