// Settings > Channels (owners, admins): GET|PUT /settings/channels (API.md
// "Workflows, messages, channels"; docs/api.md Channels). Secrets are
// write-only: the form shows whether one is set and sends it only when a
// new one is typed (an absent key keeps the stored one); an emptied field
// goes as null (cleared). "Remove" clears a whole section (null). The SMS
// webhook address is shown to copy into the provider's console.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { CopyButton, SaveBar, bad, useSaver } from './settings_common.jsx';

const SECTIONS = [
  {
    key: 'smtp',
    title: 'Email (SMTP)',
    what: 'Outgoing email. smtp:// uses STARTTLS when the server offers it; smtps:// is TLS from the start.',
    fields: [
      ['url', 'SMTP server URL', 'smtp://mail.example.com:587'],
      ['from', 'From address', 'agent@example.com'],
      ['username', 'User name', ''],
    ],
    secret: ['password', 'Password', 'password_set'],
  },
  {
    key: 'sms',
    title: 'Text messages (SMS)',
    what: 'A Twilio-compatible SMS provider.',
    fields: [
      ['base_url', 'API base URL', 'https://api.twilio.com'],
      ['account_sid', 'Account SID', ''],
      ['from', 'From number', '+15551234567'],
    ],
    secret: ['auth_token', 'Auth token', 'auth_token_set'],
  },
  {
    key: 'imap',
    title: 'Incoming email (IMAP)',
    what: 'The mailbox replies arrive in.',
    fields: [
      ['url', 'IMAP server URL', 'imaps://mail.example.com'],
      ['username', 'User name', ''],
    ],
    secret: ['password', 'Password', 'password_set'],
  },
];

/* The form's values from GET's answer: fields as text, secrets empty. */
function formOf(ch) {
  const v = {};
  for (const s of SECTIONS) {
    v[s.key] = {};
    for (const [f] of s.fields) v[s.key][f] = ch[s.key]?.[f] ?? '';
    v[s.key][s.secret[0]] = '';
  }
  return v;
}

export function Channels() {
  const [ch, setCh] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api('GET', '/settings/channels')
      .then(setCh)
      .catch((e) => setError(e.message));
  }, []);
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!ch) return <p class="muted">Loading…</p>;
  return (
    <div class="col">
      {SECTIONS.map((s) => (
        <ChannelForm key={s.key} section={s} channels={ch} onSaved={setCh} />
      ))}
    </div>
  );
}

function ChannelForm({ section: s, channels, onSaved }) {
  const [v, setV] = useState(() => formOf(channels)[s.key]);
  const [state, run] = useSaver();
  const [secretName, secretLabel, setKey] = s.secret;
  const isSet = !!channels[s.key]?.[setKey];
  const id = (f) => `ch-${s.key}-${f}`;
  const save = (body, text) =>
    run(async () => {
      const next = await api('PUT', '/settings/channels', { body });
      onSaved(next);
      setV(formOf(next)[s.key]);
      return text;
    });
  const submit = (e) => {
    e.preventDefault();
    const part = {};
    for (const [f] of s.fields) part[f] = v[f].trim() || null;
    if (v[secretName]) part[secretName] = v[secretName];
    save({ [s.key]: part });
  };
  const configured = s.fields.some(([f]) => channels[s.key]?.[f]) || isSet;
  return (
    <form class="card settings-form" onSubmit={submit} aria-labelledby={id('title')} noValidate>
      <h2 id={id('title')}>{s.title}</h2>
      <p class="muted small">{s.what}</p>
      <div class="form-grid">
        {s.fields.map(([f, text, ph]) => (
          <div class="field" key={f}>
            <label for={id(f)}>{text}</label>
            <input
              id={id(f)}
              value={v[f]}
              placeholder={ph}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={bad(state, `${s.key}.${f}`) ? 'true' : undefined}
              onInput={(e) => setV({ ...v, [f]: e.currentTarget.value })}
            />
          </div>
        ))}
        <div class="field">
          <label for={id(secretName)}>{secretLabel}</label>
          <input
            id={id(secretName)}
            type="password"
            autocomplete="new-password"
            value={v[secretName]}
            placeholder={isSet ? '•••••• (set)' : ''}
            aria-describedby={id(secretName) + '-state'}
            aria-invalid={bad(state, `${s.key}.${secretName}`) ? 'true' : undefined}
            onInput={(e) => setV({ ...v, [secretName]: e.currentTarget.value })}
          />
          <span id={id(secretName) + '-state'} class="muted small" data-testid={`${s.key}-secret`}>
            {isSet ? 'Set. Leave empty to keep it, or type a new one.' : 'Not set.'}
          </span>
        </div>
      </div>
      {s.key === 'sms' && channels.sms?.webhook_url && (
        <div class="field webhook">
          <label for="ch-sms-webhook">Inbound webhook (give it to the SMS provider)</label>
          <div class="copy-row">
            <input
              id="ch-sms-webhook"
              readOnly
              value={channels.sms.webhook_url}
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton
              text={channels.sms.webhook_url}
              inputId="ch-sms-webhook"
              name="Copy webhook address"
            />
          </div>
        </div>
      )}
      <SaveBar state={state} />
      {configured && (
        <p>
          <button
            type="button"
            class="link-button"
            disabled={state.busy}
            onClick={() => save({ [s.key]: null }, 'Removed')}
          >
            Remove the {s.title} settings
          </button>
        </p>
      )}
    </form>
  );
}
