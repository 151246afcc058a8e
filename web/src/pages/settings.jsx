// Settings page (issue 7): a sub-nav of sections under /settings/...,
// each its own form with Save and a "Saved" status. General, office hours,
// automation switches (DOMAIN.md M2) and routing (A1) live here and PUT a
// part of GET /settings (the PUT merges: API.md Settings, docs/api.md);
// channels, users, API tokens and capture forms have their own modules.
// Non-admins see the account settings read-only.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { label } from '../format.jsx';
import { ReadOnlyNote, SaveBar, bad, isAdmin, useSaver } from './settings_common.jsx';
import { Channels } from './settings_channels.jsx';
import { Users, Tokens } from './settings_access.jsx';
import { CaptureForms } from './settings_capture.jsx';
import './settings.css';

const SECTIONS = [
  ['general', 'General'],
  ['office-hours', 'Office hours'],
  ['automation', 'Automation'],
  ['routing', 'Routing'],
  ['channels', 'Channels', true],
  ['users', 'Users', true],
  ['tokens', 'API tokens'],
  ['capture', 'Capture forms'],
];

export function Settings({ path, user }) {
  const admin = isAdmin(user);
  const sections = SECTIONS.filter((s) => !s[2] || admin);
  const slug = path.split('/')[2] || 'general';
  const current = sections.find((s) => s[0] === slug);
  const [settings, setSettings] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    api('GET', '/settings')
      .then(setSettings)
      .catch((e) => setError(e.message));
  }, []);

  const needsSettings = ['general', 'office-hours', 'automation', 'routing'].includes(slug);
  let body;
  if (!current)
    body = (
      <p class="muted">
        {SECTIONS.some((s) => s[0] === slug)
          ? 'Only owners and admins can see this section.'
          : 'No such section.'}
      </p>
    );
  else if (needsSettings && error)
    body = (
      <p class="error" role="alert">
        {error}
      </p>
    );
  else if (needsSettings && !settings) body = <p class="muted">Loading…</p>;
  else {
    const props = { settings, onSaved: setSettings, canEdit: admin, user };
    if (slug === 'general') body = <General {...props} />;
    if (slug === 'office-hours') body = <OfficeHours {...props} />;
    if (slug === 'automation') body = <Automation {...props} />;
    if (slug === 'routing') body = <Routing {...props} />;
    if (slug === 'channels') body = <Channels />;
    if (slug === 'users') body = <Users user={user} />;
    if (slug === 'tokens') body = <Tokens user={user} />;
    if (slug === 'capture') body = <CaptureForms canEdit={admin} />;
  }

  return (
    <section class="page settings">
      <h1>Settings</h1>
      <div class="settings-layout">
        <nav class="settings-nav" aria-label="Settings sections">
          <ul>
            {sections.map(([s, name]) => (
              <li key={s}>
                <Link href={`/settings/${s}`} aria-current={s === slug ? 'page' : undefined}>
                  {name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="settings-body">{body}</div>
      </div>
    </section>
  );
}

/* A text or number input with its label, help text and error marking. */
function Field({ id, text, help, invalid, ...rest }) {
  return (
    <div class="field">
      <label for={id}>{text}</label>
      <input
        id={id}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={help ? id + '-help' : undefined}
        {...rest}
      />
      {help && (
        <span id={id + '-help'} class="muted small">
          {help}
        </span>
      )}
    </div>
  );
}

/* A number from an input, or the text itself so the server names the
 * field and says what it wants. */
const numberOr = (s) => (s.trim() !== '' && isFinite(Number(s)) ? Number(s) : s.trim());

function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function General({ settings, onSaved, canEdit }) {
  const init = (s) => ({
    timezone: s.timezone,
    default_region: s.default_region,
    currency: s.currency,
    default_commission: String(s.default_commission),
    valuation_multiple: String(s.valuation_multiple),
  });
  const [v, setV] = useState(() => init(settings));
  const [state, run] = useSaver();
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const [tzs] = useState(zones);
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const next = await api('PUT', '/settings', {
        body: {
          timezone: v.timezone.trim(),
          default_region: v.default_region.trim().toUpperCase(),
          currency: v.currency.trim().toUpperCase(),
          default_commission: numberOr(v.default_commission),
          valuation_multiple: numberOr(v.valuation_multiple),
        },
      });
      onSaved(next);
      setV(init(next));
    });
  };
  return (
    <form class="card settings-form" onSubmit={submit} aria-labelledby="general-title" noValidate>
      <h2 id="general-title">General</h2>
      <ReadOnlyNote canEdit={canEdit} />
      <fieldset disabled={!canEdit}>
        <legend class="sr-only">General settings</legend>
        <div class="form-grid">
          <Field
            id="s-timezone"
            text="Time zone"
            list="s-tz-list"
            autocomplete="off"
            value={v.timezone}
            onInput={set('timezone')}
            invalid={bad(state, 'timezone')}
            help="The account's day: tasks due today, the daily job, office hours."
          />
          <datalist id="s-tz-list">
            {tzs.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <Field
            id="s-region"
            text="Default region"
            maxLength={2}
            value={v.default_region}
            onInput={set('default_region')}
            invalid={bad(state, 'default_region')}
            help="Two letters (US, GB): completes phone numbers typed without a country code."
          />
          <Field
            id="s-currency"
            text="Currency"
            maxLength={3}
            value={v.currency}
            onInput={set('currency')}
            invalid={bad(state, 'currency')}
            help="Three letters, such as USD or EUR."
          />
          <Field
            id="s-commission"
            text="Default commission"
            type="number"
            min="0"
            step="any"
            value={v.default_commission}
            onInput={set('default_commission')}
            invalid={bad(state, 'default_commission')}
            help="Used for revenue predictions until 3 deals have closed in 24 months."
          />
          <Field
            id="s-multiple"
            text="Valuation multiple"
            type="number"
            min="0"
            step="any"
            value={v.valuation_multiple}
            onInput={set('valuation_multiple')}
            invalid={bad(state, 'valuation_multiple')}
            help="The database's valuation is the predicted revenue times this."
          />
        </div>
      </fieldset>
      <SaveBar state={state} canEdit={canEdit} />
    </form>
  );
}

const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

function OfficeHours({ settings, onSaved, canEdit }) {
  const oh = settings.office_hours;
  const [v, setV] = useState({ start: oh.start, end: oh.end, days: oh.days });
  const [state, run] = useSaver();
  const toggle = (d) =>
    setV({ ...v, days: v.days.includes(d) ? v.days.filter((x) => x !== d) : [...v.days, d] });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const next = await api('PUT', '/settings', {
        body: { office_hours: { start: v.start, end: v.end, days: v.days } },
      });
      onSaved(next);
      setV({ ...next.office_hours });
    });
  };
  return (
    <form class="card settings-form" onSubmit={submit} aria-labelledby="oh-title" noValidate>
      <h2 id="oh-title">Office hours</h2>
      <p class="muted">
        When the office works, in the account's time zone ({settings.timezone}).
      </p>
      <ReadOnlyNote canEdit={canEdit} />
      <fieldset disabled={!canEdit}>
        <legend class="sr-only">Office hours</legend>
        <div class="form-row">
          <Field
            id="oh-start"
            text="Opens at"
            type="time"
            value={v.start}
            onInput={(e) => setV({ ...v, start: e.currentTarget.value })}
            invalid={bad(state, 'office_hours.start')}
          />
          <Field
            id="oh-end"
            text="Closes at"
            type="time"
            value={v.end}
            onInput={(e) => setV({ ...v, end: e.currentTarget.value })}
            invalid={bad(state, 'office_hours.end')}
          />
        </div>
        <fieldset class="days">
          <legend>Open on</legend>
          {DAYS.map(([d, name]) => (
            <label class="check" key={d}>
              <input type="checkbox" checked={v.days.includes(d)} onChange={() => toggle(d)} />
              {name}
            </label>
          ))}
        </fieldset>
      </fieldset>
      <SaveBar state={state} canEdit={canEdit} />
    </form>
  );
}

// DOMAIN.md M2: each rule family can be switched off; off, it does nothing
// and records nothing.
const AUTOMATION = [
  [
    'status_rules',
    'Status rules',
    'Move a contact’s status when something happens (L1–L7): a reply makes a suspect a prospect, an intent with a timeframe makes a lead, an open deal makes a client, a closed one a past client.',
  ],
  [
    'stage_rules',
    'Stage rules',
    'Keep the relationship stage in step with the status (S1–S6): suspect is aware, prospect and lead know, clients like, and repeat business or referrals earn trust.',
  ],
  [
    'category_rules',
    'Category rules',
    'Raise a contact’s category when they refer people to you (C1–C3): one referral makes B, more make A. Rules never lower a category.',
  ],
  [
    'workflows',
    'Workflows',
    'Run the follow-up workflows: texts, emails and tasks such as speed to lead and post-closing. Off, no workflow starts or sends.',
  ],
];

function Automation({ settings, onSaved, canEdit }) {
  const [v, setV] = useState({ ...settings.automation });
  const [state, run] = useSaver();
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const next = await api('PUT', '/settings', { body: { automation: v } });
      onSaved(next);
      setV({ ...next.automation });
    });
  };
  return (
    <form class="card settings-form" onSubmit={submit} aria-labelledby="auto-title" noValidate>
      <h2 id="auto-title">Automation</h2>
      <p class="muted">
        Switched off, a family of rules does nothing and records nothing. Changes made by hand
        always stay.
      </p>
      <ReadOnlyNote canEdit={canEdit} />
      <fieldset disabled={!canEdit}>
        <legend class="sr-only">Automation switches</legend>
        <ul class="switches">
          {AUTOMATION.map(([k, name, what]) => (
            <li key={k}>
              <label class="check switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={!!v[k]}
                  aria-describedby={`auto-${k}-help`}
                  onChange={(e) => setV({ ...v, [k]: e.currentTarget.checked })}
                />
                <span>
                  <strong>{name}</strong> <span class="muted small">{v[k] ? 'on' : 'off'}</span>
                </span>
              </label>
              <p id={`auto-${k}-help`} class="muted small what">
                {what}
              </p>
            </li>
          ))}
        </ul>
      </fieldset>
      <SaveBar state={state} canEdit={canEdit} />
    </form>
  );
}

function Routing({ settings, onSaved, canEdit }) {
  const [v, setV] = useState({
    mode: settings.routing.mode,
    agent_ids: settings.routing.agent_ids,
  });
  const [users, setUsers] = useState(null);
  const [state, run] = useSaver();
  useEffect(() => {
    if (!canEdit) return;
    api('GET', '/users', { query: { limit: 500 } })
      .then((r) => setUsers(r.items.filter((u) => u.role !== 'assistant')))
      .catch(() => setUsers([]));
  }, [canEdit]);
  const toggle = (id) =>
    setV({
      ...v,
      agent_ids: v.agent_ids.includes(id)
        ? v.agent_ids.filter((x) => x !== id)
        : [...v.agent_ids, id],
    });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const next = await api('PUT', '/settings', { body: { routing: v } });
      onSaved(next);
      setV({ ...next.routing });
    });
  };
  return (
    <form class="card settings-form" onSubmit={submit} aria-labelledby="routing-title" noValidate>
      <h2 id="routing-title">Routing</h2>
      <p class="muted">Who gets a new lead from a web form or a lead source.</p>
      <ReadOnlyNote canEdit={canEdit} />
      <fieldset disabled={!canEdit}>
        <legend>Mode</legend>
        <label class="check">
          <input
            type="radio"
            name="routing-mode"
            value="owner"
            checked={v.mode === 'owner'}
            onChange={() => setV({ ...v, mode: 'owner' })}
          />
          <span>
            Owner: the form’s owner, or whoever adds the lead
          </span>
        </label>
        <label class="check">
          <input
            type="radio"
            name="routing-mode"
            value="round_robin"
            checked={v.mode === 'round_robin'}
            onChange={() => setV({ ...v, mode: 'round_robin' })}
          />
          <span>Round robin: the agents checked below, in turn</span>
        </label>
      </fieldset>
      {canEdit ? (
        <fieldset>
          <legend>Agents in the rotation (round robin)</legend>
          {users === null && <p class="muted">Loading…</p>}
          {users &&
            users.map((u) => (
              <label class="check" key={u.id}>
                <input
                  type="checkbox"
                  checked={v.agent_ids.includes(u.id)}
                  onChange={() => toggle(u.id)}
                />
                <span>
                  {u.name || u.email} <span class="muted small">{label(u.role)}</span>
                </span>
              </label>
            ))}
          {bad(state, 'routing.agent_ids') && <p class="muted small">Check the agents chosen.</p>}
        </fieldset>
      ) : (
        <p class="muted small">
          {v.agent_ids.length} agent{v.agent_ids.length === 1 ? '' : 's'} in the rotation.
        </p>
      )}
      <SaveBar state={state} canEdit={canEdit} />
    </form>
  );
}
