// A modal form dialog shared by the pages: opened on mount (showModal),
// labelled by its title, the API's error as an alert above the buttons,
// Cancel closes (onClose runs, as for Escape), the submit button shows
// busyLabel while busy and is off while busy or disabled.
import { useEffect, useRef } from 'preact/hooks';

export function FormDialog({
  id,
  title,
  onClose,
  onSubmit,
  error,
  busy,
  submitLabel,
  busyLabel = 'Saving…',
  disabled = false,
  children,
}) {
  const dlg = useRef(null);
  useEffect(() => {
    const d = dlg.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={dlg} class="dialog" aria-labelledby={id} onClose={onClose} onCancel={onClose}>
      <form onSubmit={onSubmit} noValidate>
        <h2 id={id}>{title}</h2>
        {children}
        {error && (
          <p class="error" role="alert">
            {error.message}
          </p>
        )}
        <div class="buttons">
          <button type="button" class="secondary" onClick={() => dlg.current.close()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || disabled}>
            {busy ? busyLabel : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
