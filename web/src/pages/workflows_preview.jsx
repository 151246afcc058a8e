// Workflows page: the contact picker (search GET /contacts?q=) and the live
// preview of a message step (POST /workflows/preview, debounced): the text
// as the sender renders it for that contact, or the template's error.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { bareMessage } from './workflows_lib.js';

/* Picks one contact by search. value: the chosen contact or null. */
export function ContactPicker({ id, label: text, value, onChange }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState([]);
  const [state, setState] = useState('');
  useEffect(() => {
    if (value || !q.trim()) {
      setItems([]);
      setState('');
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      setState('Searching…');
      api('GET', '/contacts', { query: { q: q.trim(), limit: 8 }, signal: ctl.signal })
        .then((r) => {
          setItems(r.items);
          setState(r.items.length ? `${r.items.length} found` : 'No contact matches');
        })
        .catch((e) => {
          if (e.name !== 'AbortError') setState(e.message);
        });
    }, 250);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [q, value]);

  if (value)
    return (
      <div class="wf-picked">
        <span>
          <span class="muted small">{text}: </span>
          <strong data-testid={`${id}-chosen`}>{value.display_name || '(no name)'}</strong>
        </span>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            onChange(null);
            setQ('');
          }}
        >
          Change contact
        </button>
      </div>
    );
  return (
    <div class="wf-picker">
      <div class="field">
        <label for={id}>{text}</label>
        <input
          id={id}
          type="search"
          autocomplete="off"
          placeholder="Search by name, email, phone…"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </div>
      <p class="muted small" role="status" aria-live="polite">
        {state}
      </p>
      {items.length > 0 && (
        <ul class="wf-results" aria-label="Matching contacts">
          {items.map((c) => (
            <li key={c.id}>
              <button type="button" class="link-button" onClick={() => onChange(c)}>
                {c.display_name || '(no name)'}
              </button>
              <span class="muted small"> {c.phones?.[0]?.number || c.emails?.[0]?.address || ''}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/* The rendered text of one message step for contact, re-asked 400 ms after
 * the last keystroke. body/subject are the step's templates (subject only
 * for email). */
export function StepPreview({ n, contact, body, subject }) {
  const [res, setRes] = useState(null); // {text, subject} | {error}
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    if (!contact || !body) {
      setRes(null);
      return;
    }
    const mine = ++seq.current;
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      setBusy(true);
      const payload = { template: body, contact_id: contact.id };
      if (subject !== undefined && subject !== '') payload.subject = subject;
      try {
        const r = await api('POST', '/workflows/preview', { body: payload, signal: ctl.signal });
        if (mine === seq.current) setRes(r);
      } catch (e) {
        if (e.name === 'AbortError') return;
        if (mine === seq.current) setRes({ error: e });
      }
      if (mine === seq.current) setBusy(false);
    }, 400);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [contact?.id, body, subject]);

  const title = `Preview of step ${n}`;
  if (!contact)
    return (
      <div class="wf-preview empty" role="group" aria-label={title}>
        <p class="muted small">Choose a contact above to preview this message.</p>
      </div>
    );
  if (!body)
    return (
      <div class="wf-preview empty" role="group" aria-label={title}>
        <p class="muted small">Type the message to preview it.</p>
      </div>
    );
  const err = res?.error;
  const where = err?.field === 'subject' ? 'Subject' : err?.field === 'template' ? 'Message' : '';
  return (
    <div class="wf-preview" role="group" aria-label={title} aria-busy={busy ? 'true' : 'false'} data-testid={`preview-${n}`}>
      <p class="wf-preview-head muted small">
        Preview for {contact.display_name || 'this contact'}
        {busy ? ' (updating…)' : ''}
      </p>
      {err ? (
        <p class="error wf-preview-error" role="alert">
          {where ? `${where}: ` : ''}
          {bareMessage(err)}
        </p>
      ) : res ? (
        <div>
          {res.subject != null && (
            <p class="wf-preview-subject">
              <span class="muted small">Subject: </span>
              {res.subject}
            </p>
          )}
          <pre class="wf-preview-text">{res.text}</pre>
          {/unsubscribe_url/.test(body) && (
            <p class="muted small">The unsubscribe link is filled in when the message is sent.</p>
          )}
        </div>
      ) : (
        <p class="muted small">Rendering…</p>
      )}
    </div>
  );
}
