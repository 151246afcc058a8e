// Contact page dialogs: log an activity (POST /activities: a call, note,
// meeting, meal... with its direction; inbound is the contact's reply,
// which can move a suspect to prospect, DOMAIN.md L2) and send an SMS or
// email now (POST /messages), each channel disabled with the reason when
// the contact has no phone or email or opted out.
import { useState } from 'preact/hooks';
import { FormDialog } from '../dialog.jsx';
import { api } from '../api.js';
import { label } from '../format.jsx';

const KINDS = [
  'call',
  'note',
  'meeting',
  'meal',
  'email',
  'sms',
  'visit',
  'party',
  'card',
  'social',
  'web',
];
const MESSAGE_KINDS = ['email', 'sms', 'call', 'social'];

function defaultDirection(kind) {
  if (MESSAGE_KINDS.includes(kind)) return 'outbound';
  if (kind === 'web') return 'inbound';
  return 'none';
}

/* RFC 3339 (UTC, whole seconds) of a datetime-local value. */
function isoOf(local) {
  const d = new Date(local);
  return isNaN(d) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function LogDialog({ contact, onClose, onLogged }) {
  const [v, setV] = useState({
    kind: 'call',
    direction: 'outbound',
    subject: '',
    body: '',
    occurred_at: '',
    minutes: '',
    important: false,
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    const x = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setV((o) =>
      k === 'kind' ? { ...o, kind: x, direction: defaultDirection(x) } : { ...o, [k]: x }
    );
  };
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { contact_id: contact.id, kind: v.kind, direction: v.direction };
    if (v.subject.trim()) body.subject = v.subject.trim();
    if (v.body.trim()) body.body = v.body.trim();
    if (v.occurred_at) {
      body.occurred_at = isoOf(v.occurred_at);
      if (!body.occurred_at)
        return setError({ field: 'occurred_at', message: 'Enter a date and time.' });
    }
    if (v.kind === 'call' && v.minutes !== '') body.duration_s = Math.round(Number(v.minutes) * 60);
    if (v.important) body.importance = 'high';
    setBusy(true);
    try {
      const a = await api('POST', '/activities', { body });
      onLogged(a);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const bad = (k) => (error && error.field && error.field.startsWith(k) ? 'true' : undefined);
  return (
    <FormDialog
      id="log-title"
      title={<>Log an activity with {contact.display_name}</>}
      onClose={onClose}
      onSubmit={submit}
      error={error}
      busy={busy}
      submitLabel="Save activity"
    >
        <div class="form-grid">
          <div class="field">
            <label for="log-kind">Kind</label>
            <select id="log-kind" value={v.kind} onChange={set('kind')} aria-invalid={bad('kind')}>
              {KINDS.map((k) => (
                <option value={k}>
                  {k === 'sms' ? 'SMS' : k === 'web' ? 'Web form' : label(k)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="log-direction">Direction</label>
            <select
              id="log-direction"
              value={v.direction}
              onChange={set('direction')}
              aria-invalid={bad('direction')}
            >
              <option value="outbound">Outbound: I reached out</option>
              <option value="inbound">Inbound: they reached me (a reply)</option>
              <option value="none">Neither</option>
            </select>
          </div>
          <div class="field">
            <label for="log-when">When (empty: now)</label>
            <input
              id="log-when"
              type="datetime-local"
              value={v.occurred_at}
              onInput={set('occurred_at')}
              aria-invalid={bad('occurred_at')}
            />
          </div>
          {v.kind === 'call' && (
            <div class="field">
              <label for="log-minutes">Duration (minutes)</label>
              <input
                id="log-minutes"
                type="number"
                min="0"
                step="any"
                value={v.minutes}
                onInput={set('minutes')}
                aria-invalid={bad('duration_s')}
              />
            </div>
          )}
        </div>
        <div class="field log-wide">
          <label for="log-subject">Subject</label>
          <input
            id="log-subject"
            value={v.subject}
            onInput={set('subject')}
            aria-invalid={bad('subject')}
          />
        </div>
        <div class="field log-wide">
          <label for="log-body">Notes</label>
          <textarea
            id="log-body"
            rows={4}
            value={v.body}
            onInput={set('body')}
            aria-invalid={bad('body')}
          />
        </div>
        <label class="check log-wide">
          <input type="checkbox" checked={v.important} onChange={set('important')} />
          Important (counts for the intensity factor)
        </label>
    </FormDialog>
  );
}

/* Why a channel cannot be used for this contact, or '' when it can. */
export function channelBlock(contact, channel) {
  if (channel === 'sms') {
    if (!contact.phones?.length) return 'No phone number';
    if (contact.sms_opt_out) return 'Opted out of SMS';
  } else {
    if (!contact.emails?.length) return 'No email address';
    if (contact.email_opt_out) return 'Opted out of email';
  }
  return '';
}

export function SendDialog({ contact, channel: initial, onClose, onSent }) {
  const blocked = { sms: channelBlock(contact, 'sms'), email: channelBlock(contact, 'email') };
  const first = !blocked[initial] ? initial : !blocked.sms ? 'sms' : !blocked.email ? 'email' : '';
  const [channel, setChannel] = useState(first);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const to =
    channel === 'sms'
      ? contact.phones?.[0]?.number
      : channel === 'email'
        ? contact.emails?.[0]?.address
        : '';
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (!body.trim()) return setError({ field: 'body', message: 'Write the message first.' });
    const req = { contact_id: contact.id, channel, body: body.trim() };
    if (channel === 'email') req.subject = subject.trim();
    setBusy(true);
    try {
      onSent(await api('POST', '/messages', { body: req }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const bad = (k) => (error && error.field && error.field.startsWith(k) ? 'true' : undefined);
  return (
    <FormDialog
      id="send-title"
      title={<>Send a message to {contact.display_name}</>}
      onClose={onClose}
      onSubmit={submit}
      error={error}
      busy={busy}
      submitLabel="Send now"
      busyLabel="Sending…"
      disabled={!channel}
    >
        <fieldset class="channels">
          <legend>Channel</legend>
          {['sms', 'email'].map((c) => (
            <label class="check" key={c}>
              <input
                type="radio"
                name="send-channel"
                value={c}
                checked={channel === c}
                disabled={!!blocked[c]}
                aria-describedby={blocked[c] ? `send-why-${c}` : undefined}
                onChange={() => setChannel(c)}
              />
              {c === 'sms' ? 'SMS' : 'Email'}
              {blocked[c] && (
                <span class="muted small" id={`send-why-${c}`}>
                  {' '}
                  ({blocked[c]})
                </span>
              )}
            </label>
          ))}
        </fieldset>
        {!channel ? (
          <p class="error" role="alert">
            No channel can reach this contact.
          </p>
        ) : (
          <>
            <p class="muted small">To {to}</p>
            {channel === 'email' && (
              <div class="field log-wide">
                <label for="send-subject">Subject</label>
                <input
                  id="send-subject"
                  value={subject}
                  onInput={(e) => setSubject(e.currentTarget.value)}
                  aria-invalid={bad('subject')}
                />
              </div>
            )}
            <div class="field log-wide">
              <label for="send-body">Message</label>
              <textarea
                id="send-body"
                rows={5}
                value={body}
                onInput={(e) => setBody(e.currentTarget.value)}
                aria-invalid={bad('body')}
              />
              {channel === 'sms' && <span class="muted small">{body.length} characters</span>}
            </div>
          </>
        )}
    </FormDialog>
  );
}
