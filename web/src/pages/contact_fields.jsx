// Contact page: every field of the contact, grouped (contact info,
// personal, relationship, settings), each click-to-edit: Enter saves,
// Escape cancels, the API's error shows at the field. A save is one JSON
// merge patch with If-Match (the parent's onSave).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { CATEGORIES, STAGES, STATUSES, TYPES, label } from '../format.jsx';
import { enumText, valueAt } from './contact_api.js';

const INTENTS = ['none', 'buy', 'sell', 'buy_sell'];

const GROUPS = [
  [
    'Contact info',
    [
      { path: 'first_name', label: 'First name' },
      { path: 'last_name', label: 'Last name' },
      { path: 'company', label: 'Company' },
      { path: 'emails', label: 'Emails', kind: 'emails', hint: 'Separate several with commas.' },
      { path: 'phones', label: 'Phones', kind: 'phones', hint: 'Separate several with commas.' },
      { path: 'address.street', label: 'Street' },
      { path: 'address.city', label: 'City' },
      { path: 'address.region', label: 'State or region' },
      { path: 'address.postal_code', label: 'Postal code' },
      { path: 'address.country', label: 'Country' },
      { path: 'website', label: 'Website' },
      {
        path: 'social',
        label: 'Social profiles',
        kind: 'list',
        hint: 'Links, separated by commas.',
      },
    ],
  ],
  [
    'Personal',
    [
      {
        path: 'birthday',
        label: 'Birthday',
        kind: 'day',
        hint: 'YYYY-MM-DD, or --MM-DD without the year.',
      },
      { path: 'anniversary', label: 'Anniversary', kind: 'day', hint: 'YYYY-MM-DD, or --MM-DD.' },
      { path: 'partner', label: 'Partner' },
      { path: 'children', label: 'Children' },
      { path: 'pets', label: 'Pets' },
      { path: 'interests', label: 'Interests', kind: 'textarea' },
      { path: 'notes', label: 'Notes', kind: 'textarea', hint: 'Shift+Enter for a new line.' },
    ],
  ],
  [
    'Relationship',
    [
      { path: 'status', label: 'Status', kind: 'select', options: STATUSES },
      { path: 'stage', label: 'Stage', kind: 'select', options: STAGES },
      { path: 'category', label: 'Category', kind: 'select', options: CATEGORIES },
      { path: 'type', label: 'Type', kind: 'select', options: TYPES },
      { path: 'intent', label: 'Intent', kind: 'select', options: INTENTS },
      { path: 'timeframe', label: 'Timeframe (move by)', kind: 'date' },
      { path: 'budget', label: 'Budget', kind: 'number' },
      { path: 'tags', label: 'Tags', kind: 'list', hint: 'Separate with commas.' },
      { path: 'source', label: 'Source' },
      { path: 'referred_by', label: 'Referred by', kind: 'contact' },
      { path: 'referral_count', label: 'Referrals', kind: 'readonly' },
      { path: 'known_since', label: 'Known since', kind: 'date' },
      { path: 'last_purchase_date', label: 'Last purchase', kind: 'date' },
      { path: 'last_sale_date', label: 'Last sale', kind: 'date' },
    ],
  ],
  [
    'Settings',
    [
      {
        path: 'contact_interval_days',
        label: 'Contact every (days)',
        kind: 'number',
        hint: 'Empty: the interval the score recommends.',
      },
      { path: 'sms_opt_out', label: 'Opted out of SMS', kind: 'bool' },
      { path: 'email_opt_out', label: 'Opted out of email', kind: 'bool' },
      { path: 'owner_id', label: 'Owner', kind: 'owner' },
    ],
  ],
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/* A date (YYYY-MM-DD or --MM-DD) as written, without time zone shifts. */
export function fmtDay(d) {
  const m = /^(\d{4}|--)-?(\d{2})-(\d{2})$/.exec(d || '');
  if (!m) return d || '';
  const md = `${MONTHS[Number(m[2]) - 1] || m[2]} ${Number(m[3])}`;
  return m[1] === '--' ? md : `${md}, ${m[1]}`;
}

function splitList(s) {
  return s
    .split(/[,;\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

const digits = (s) => String(s || '').replace(/\D/g, '');

function toDraft(f, v) {
  if (v == null) return '';
  if (f.kind === 'emails') return v.map((e) => e.address).join(', ');
  if (f.kind === 'phones') return v.map((p) => p.number).join(', ');
  if (f.kind === 'list') return v.join(', ');
  return String(v);
}

function fromDraft(f, d, old) {
  const s = d.trim();
  if (f.kind === 'emails')
    return splitList(d).map((a) => {
      const was = (old || []).find((e) => e.address.toLowerCase() === a.toLowerCase());
      return was && was.label ? { address: a, label: was.label } : { address: a };
    });
  if (f.kind === 'phones')
    return splitList(d).map((n) => {
      const was = (old || []).find((p) => digits(p.number).endsWith(digits(n)) && digits(n));
      return was && was.label ? { number: n, label: was.label } : { number: n };
    });
  if (f.kind === 'list') return splitList(d);
  if (f.kind === 'number') return s === '' ? null : Number(s);
  if (f.kind === 'select') return s;
  return s === '' ? null : s;
}

function shownText(f, v, extra) {
  if (v == null || v === '' || (Array.isArray(v) && v.length === 0)) return '';
  switch (f.kind) {
    case 'emails':
      return v.map((e) => (e.label ? `${e.address} (${e.label})` : e.address)).join(', ');
    case 'phones':
      return v.map((p) => (p.label ? `${p.number} (${p.label})` : p.number)).join(', ');
    case 'list':
      return v.join(', ');
    case 'select':
      return enumText(f.path, v);
    case 'date':
    case 'day':
      return fmtDay(v);
    case 'contact':
    case 'owner':
      return extra || 'Someone';
    default:
      return String(v);
  }
}

const idOf = (path) => 'cf-' + path.replace(/[^a-z0-9]/gi, '-');

/* One click-to-edit field. onSave(path, value) resolves to null or an
 * error message for the field. */
function Field({ f, contact, onSave, extra, users }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [choices, setChoices] = useState([]);
  const btn = useRef(null);
  const input = useRef(null);
  const refocus = useRef(false);
  const id = idOf(f.path);
  const value = valueAt(contact, f.path);

  useEffect(() => {
    if (editing && input.current) input.current.focus();
    if (!editing && refocus.current) {
      refocus.current = false;
      btn.current?.focus();
    }
  }, [editing]);

  // the contact picker of "Referred by": search as you type
  useEffect(() => {
    if (!editing || f.kind !== 'contact' || draft.trim().length < 2) return;
    if (choices.some((c) => choiceLabel(c) === draft.trim())) return; // one was picked
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api('GET', '/contacts', { query: { q: draft.trim(), limit: 8 }, signal: ctl.signal })
        .then((r) => {
          const found = r.items.filter((c) => c.id !== contact.id);
          // keep earlier matches: the list must still hold the one picked
          setChoices((old) => [...found, ...old.filter((o) => !found.some((c) => c.id === o.id))]);
        })
        .catch(() => {});
    }, 200);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [draft, editing]);

  const start = () => {
    if (f.kind === 'contact') setDraft(extra || '');
    else if (f.kind === 'owner') setDraft(value || '');
    else setDraft(toDraft(f, value));
    setError('');
    setEditing(true);
  };
  const cancel = () => {
    refocus.current = true;
    setError('');
    setEditing(false);
  };
  const save = async () => {
    if (busy) return;
    let v;
    if (f.kind === 'contact') {
      const s = draft.trim();
      if (!s) v = null;
      else if (s === extra) return cancel();
      else {
        const c = choices.find((x) => choiceLabel(x) === s);
        if (!c) return setError('Choose a contact from the list.');
        v = c.id;
      }
    } else if (f.kind === 'owner') v = draft || null;
    else v = fromDraft(f, draft, value);
    if (f.kind === 'number' && Number.isNaN(v)) return setError('Enter a number.');
    setBusy(true);
    const err = await onSave(f.path, v);
    setBusy(false);
    if (err) setError(err);
    else {
      refocus.current = true;
      setEditing(false);
    }
  };
  const onKey = (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    } else if (e.key === 'Enter' && !(f.kind === 'textarea' && e.shiftKey)) {
      e.preventDefault();
      save();
    }
  };

  if (f.kind === 'bool')
    return (
      <div class="cf cf-bool">
        <label class="check" for={id}>
          <input
            id={id}
            type="checkbox"
            checked={!!value}
            aria-describedby={error ? id + '-err' : undefined}
            onChange={async (e) => {
              setError('');
              setError((await onSave(f.path, e.currentTarget.checked)) || '');
            }}
          />
          {f.label}
        </label>
        {error && (
          <p class="cf-error" role="alert" id={id + '-err'}>
            {error}
          </p>
        )}
      </div>
    );

  const text = shownText(f, value, extra);
  if (f.kind === 'readonly')
    return (
      <div class="cf">
        <span class="cf-label">{f.label}</span>
        <span class="cf-static">{text || '0'}</span>
      </div>
    );

  if (!editing)
    return (
      <div class="cf">
        <span class="cf-label" aria-hidden="true">
          {f.label}
        </span>
        <span class="cf-show">
          <button
            type="button"
            ref={btn}
            class={text ? 'cf-value' : 'cf-value empty'}
            aria-label={`${f.label}: ${text || 'empty'}. Edit`}
            onClick={start}
          >
            {text || 'Add'}
          </button>
          {f.kind === 'contact' && value && (
            <Link href={`/contacts/${value}`} class="small">
              Open
            </Link>
          )}
        </span>
      </div>
    );

  const common = {
    id,
    ref: input,
    value: draft,
    readOnly: busy,
    onKeyDown: onKey,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby':
      [error && id + '-err', f.hint && id + '-hint'].filter(Boolean).join(' ') || undefined,
  };
  let control;
  if (f.kind === 'select')
    control = (
      <select {...common} onChange={(e) => setDraft(e.currentTarget.value)}>
        {f.options.map((o) => (
          <option value={o}>{enumText(f.path, o)}</option>
        ))}
      </select>
    );
  else if (f.kind === 'owner')
    control = (
      <select {...common} onChange={(e) => setDraft(e.currentTarget.value)}>
        <option value="">No owner</option>
        {users.map((u) => (
          <option value={u.id}>{u.name || u.email}</option>
        ))}
      </select>
    );
  else if (f.kind === 'textarea')
    control = <textarea {...common} rows={3} onInput={(e) => setDraft(e.currentTarget.value)} />;
  else
    control = (
      <input
        {...common}
        type={f.kind === 'date' || f.kind === 'number' ? f.kind : 'text'}
        inputMode={f.kind === 'phones' ? 'tel' : f.kind === 'emails' ? 'email' : undefined}
        list={f.kind === 'contact' ? id + '-list' : undefined}
        autocomplete="off"
        onInput={(e) => setDraft(e.currentTarget.value)}
      />
    );
  return (
    <div class="cf editing">
      <label class="cf-label" for={id}>
        {f.label}
      </label>
      <div class="cf-edit">
        {control}
        {f.kind === 'contact' && (
          <datalist id={id + '-list'}>
            {choices.map((c) => (
              <option value={choiceLabel(c)} />
            ))}
          </datalist>
        )}
        <span class="cf-buttons">
          <button type="button" class="primary small-button" onClick={save} disabled={busy}>
            Save
          </button>
          <button type="button" class="secondary small-button" onClick={cancel}>
            Cancel
          </button>
        </span>
        {f.hint && (
          <p class="muted small cf-hint" id={id + '-hint'}>
            {f.hint}
          </p>
        )}
        {error && (
          <p class="cf-error" role="alert" id={id + '-err'}>
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

function choiceLabel(c) {
  const sub = c.emails?.[0]?.address || c.phones?.[0]?.number || c.company;
  return sub ? `${c.display_name} · ${sub}` : c.display_name;
}

/* Adds a custom field (custom.{name}). */
function AddCustom({ onSave }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [val, setVal] = useState('');
  const [error, setError] = useState('');
  const first = useRef(null);
  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);
  if (!open)
    return (
      <button type="button" class="link-button" onClick={() => setOpen(true)}>
        Add a custom field
      </button>
    );
  const key = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const submit = async (e) => {
    e.preventDefault();
    if (!key) return setError('Give the field a name.');
    const err = await onSave(`custom.${key}`, val.trim() || null);
    if (err) setError(err);
    else {
      setName('');
      setVal('');
      setError('');
      setOpen(false);
    }
  };
  return (
    <form class="cf-add" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <div class="field">
        <label for="cf-new-name">Field name</label>
        <input
          id="cf-new-name"
          ref={first}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="cf-new-value">Value</label>
        <input id="cf-new-value" value={val} onInput={(e) => setVal(e.currentTarget.value)} />
      </div>
      <span class="cf-buttons">
        <button type="submit" class="primary small-button">
          Add
        </button>
        <button type="button" class="secondary small-button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </span>
      {error && (
        <p class="cf-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/* The field groups of the contact. */
export function ContactFields({ contact, onSave, user }) {
  const [referrer, setReferrer] = useState('');
  const [users, setUsers] = useState([]);
  useEffect(() => {
    if (!contact.referred_by) return setReferrer('');
    api('GET', `/contacts/${contact.referred_by}`)
      .then((c) => setReferrer(c.display_name))
      .catch(() => setReferrer('(not found)'));
  }, [contact.referred_by]);
  useEffect(() => {
    api('GET', '/users', { query: { limit: 500 } })
      .then((r) => setUsers(r.items))
      .catch(() => setUsers(user ? [user] : []));
  }, []);
  const owner = users.find((u) => u.id === contact.owner_id);
  const ownerText = contact.owner_id
    ? owner
      ? owner.name || owner.email
      : user && contact.owner_id === user.id
        ? 'You'
        : 'Another user'
    : '';
  const custom = Object.keys(contact.custom || {});
  return (
    <div class="cf-groups">
      {GROUPS.map(([title, fields]) => {
        const hid = 'cfg-' + title.toLowerCase().replace(/\W+/g, '-');
        return (
          <section class="card cf-group" aria-labelledby={hid} key={title}>
            <h2 id={hid}>{title}</h2>
            {fields.map((f) => (
              <Field
                key={f.path}
                f={f}
                contact={contact}
                onSave={onSave}
                users={users}
                extra={f.kind === 'contact' ? referrer : f.kind === 'owner' ? ownerText : undefined}
              />
            ))}
            {title === 'Personal' && (
              <>
                {custom.map((k) => (
                  <Field
                    key={k}
                    f={{ path: `custom.${k}`, label: label(k) }}
                    contact={contact}
                    onSave={onSave}
                  />
                ))}
                <AddCustom onSave={onSave} />
              </>
            )}
          </section>
        );
      })}
    </div>
  );
}
