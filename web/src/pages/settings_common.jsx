// Pieces the settings sections share: a save runner (busy, "Saved", the
// API's error with its field) and the bar under each form, a copy button.
import { useState } from 'preact/hooks';

/* [state, run]: run(fn) awaits fn(), then shows "Saved" (or the text fn
 * returns) or the error. state.error is an ApiError (its .field names the
 * bad input). */
export function useSaver() {
  const [state, setState] = useState({ busy: false, saved: '', error: null });
  const run = async (fn) => {
    setState({ busy: true, saved: '', error: null });
    try {
      const text = await fn();
      setState({ busy: false, saved: typeof text === 'string' ? text : 'Saved', error: null });
      return true;
    } catch (e) {
      setState({ busy: false, saved: '', error: e });
      return false;
    }
  };
  return [state, run];
}

/* True when the saver's error names `field` (or a path under it). */
export function bad(state, field) {
  const f = state.error?.field;
  return !!f && (f === field || f.startsWith(field + '.') || f.startsWith(field + '['));
}

/* The end of a section's form: the error (role=alert), "Saved"
 * (role=status) and the Save button. */
export function SaveBar({ state, label = 'Save', canEdit = true }) {
  return (
    <div class="save-bar">
      {state.error && (
        <p class="error" role="alert">
          {state.error.message}
        </p>
      )}
      <p class="saved" role="status" aria-live="polite">
        {state.saved}
      </p>
      {canEdit && (
        <button type="submit" class="primary" disabled={state.busy}>
          {state.busy ? 'Saving…' : label}
        </button>
      )}
    </div>
  );
}

export function ReadOnlyNote({ canEdit, what = 'these settings' }) {
  if (canEdit) return null;
  return <p class="note">Only owners and admins can change {what}. You can see them here.</p>;
}

/* Copies text; falls back to selecting the input `inputId` and execCommand
 * when the Clipboard API is refused. Says what happened next to it. */
export function CopyButton({ text, inputId, name = 'Copy' }) {
  const [done, setDone] = useState('');
  const copy = async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const el = inputId && document.getElementById(inputId);
      if (el) {
        el.focus();
        el.select();
        try {
          ok = document.execCommand('copy');
        } catch {
          ok = false;
        }
      }
    }
    setDone(ok ? 'Copied' : 'Select the text and copy it');
  };
  return (
    <span class="copy">
      <button type="button" class="secondary" onClick={copy}>
        {name}
      </button>
      <span class="muted small" role="status" aria-live="polite">
        {done}
      </span>
    </span>
  );
}

export const isAdmin = (user) => user && (user.role === 'owner' || user.role === 'admin');
