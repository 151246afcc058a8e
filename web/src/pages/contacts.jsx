// Contacts list (issue 7): search as you type (debounced q=), filters
// (status, stage, category, type, tag, score range, overdue), sort, score
// badges, "load more" by cursor, the create-contact dialog, and bulk tag
// (a checkbox a row, "select all on page", add or remove a tag on the
// selected contacts by one merge-patch PATCH each).
import { useEffect, useRef, useState } from 'preact/hooks';
import { FormDialog } from '../dialog.jsx';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { CATEGORIES, STAGES, STATUSES, TYPES, ScoreBadge, fmtDate, label } from '../format.jsx';
import './contacts.css';

const SORTS = [
  ['-created_at', 'Newest first'],
  ['-score', 'Highest score'],
  ['score', 'Lowest score'],
  ['last_name', 'Last name A–Z'],
  ['-last_name', 'Last name Z–A'],
  ['-last_touch_at', 'Recently touched'],
  ['last_touch_at', 'Longest untouched'],
  ['-updated_at', 'Recently updated'],
];

const EMPTY = {
  q: '',
  status: '',
  stage: '',
  category: '',
  type: '',
  tag: '',
  score_min: '',
  score_max: '',
  overdue: false,
  sort: '-created_at',
};

export let focusSearchOnMount = false;
export function requestSearchFocus() {
  focusSearchOnMount = true;
}

function Select({ id, label: text, value, options, onChange }) {
  return (
    <div class="field">
      <label for={id}>{text}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">Any</option>
        {options.map((o) => (
          <option value={o}>{label(o)}</option>
        ))}
      </select>
    </div>
  );
}

function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function query(f) {
  return {
    q: f.q.trim(),
    status: f.status,
    stage: f.stage,
    category: f.category,
    type: f.type,
    tag: f.tag.trim().toLowerCase(),
    score_min: f.score_min,
    score_max: f.score_max,
    overdue: f.overdue ? 'true' : '',
    sort: f.sort,
    limit: 50,
    count: 'true',
  };
}

export function Contacts() {
  const [f, setF] = useState(EMPTY);
  const [items, setItems] = useState([]);
  const [total, setTotal] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState('');
  const [creating, setCreating] = useState(false);
  const [showFilters, setShowFilters] = useState(false);
  const [selected, setSelected] = useState(() => new Set());
  const search = useRef(null);
  const q = useDebounced(f.q, 200);
  const set = (k) => (v) => setF((o) => ({ ...o, [k]: v }));
  const params = query({ ...f, q });
  const key = JSON.stringify(params);

  useEffect(() => {
    if (focusSearchOnMount && search.current) {
      focusSearchOnMount = false;
      search.current.focus();
    }
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError('');
    setSelected(new Set());
    api('GET', '/contacts', { query: params, signal: ctl.signal })
      .then((r) => {
        setItems(r.items);
        setCursor(r.next_cursor);
        setTotal(r.total ?? null);
        setLoading(false);
      })
      .catch((e) => {
        if (e.name === 'AbortError') return;
        setError(e.message);
        setLoading(false);
      });
    return () => ctl.abort();
  }, [key]);

  const more = async () => {
    setLoading(true);
    try {
      const r = await api('GET', '/contacts', { query: { ...params, cursor, count: '' } });
      setItems((xs) => [...xs, ...r.items]);
      setCursor(r.next_cursor);
    } catch (e) {
      setError(e.message);
    }
    setLoading(false);
  };

  const nFilters = ['status', 'stage', 'category', 'type', 'tag', 'score_min', 'score_max'].filter(
    (k) => f[k] !== ''
  ).length + (f.overdue ? 1 : 0);

  return (
    <section class="page">
      <div class="page-head">
        <h1>Contacts</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          New contact
        </button>
      </div>
      <div class="toolbar">
        <div class="field grow">
          <label for="contact-search">Search contacts</label>
          <input
            id="contact-search"
            ref={search}
            type="search"
            placeholder="Name, email, phone, company, tag…  (press / to search)"
            autocomplete="off"
            value={f.q}
            onInput={(e) => set('q')(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="contact-sort">Sort</label>
          <select id="contact-sort" value={f.sort} onChange={(e) => set('sort')(e.currentTarget.value)}>
            {SORTS.map(([v, t]) => (
              <option value={v}>{t}</option>
            ))}
          </select>
        </div>
        <button
          type="button"
          class="secondary filters-toggle"
          aria-expanded={showFilters ? 'true' : 'false'}
          aria-controls="contact-filters"
          onClick={() => setShowFilters(!showFilters)}
        >
          Filters{nFilters ? ` (${nFilters})` : ''}
        </button>
      </div>
      <fieldset id="contact-filters" class={showFilters ? 'filters open' : 'filters'}>
        <legend class="sr-only">Filters</legend>
        <Select id="f-status" label="Status" value={f.status} options={STATUSES} onChange={set('status')} />
        <Select id="f-stage" label="Stage" value={f.stage} options={STAGES} onChange={set('stage')} />
        <Select id="f-category" label="Category" value={f.category} options={CATEGORIES} onChange={set('category')} />
        <Select id="f-type" label="Type" value={f.type} options={TYPES} onChange={set('type')} />
        <div class="field">
          <label for="f-tag">Tag</label>
          <input id="f-tag" type="text" value={f.tag} onChange={(e) => set('tag')(e.currentTarget.value)} />
        </div>
        <div class="field narrow">
          <label for="f-min">Score from</label>
          <input id="f-min" type="number" min="0" max="100" value={f.score_min} onChange={(e) => set('score_min')(e.currentTarget.value)} />
        </div>
        <div class="field narrow">
          <label for="f-max">Score to</label>
          <input id="f-max" type="number" min="0" max="100" value={f.score_max} onChange={(e) => set('score_max')(e.currentTarget.value)} />
        </div>
        <label class="check">
          <input type="checkbox" checked={f.overdue} onChange={(e) => set('overdue')(e.currentTarget.checked)} />
          Overdue only
        </label>
        <button type="button" class="link-button" onClick={() => setF({ ...EMPTY, q: f.q, sort: f.sort })}>
          Clear filters
        </button>
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="muted small" role="status" aria-live="polite">
        {loading ? 'Loading…' : total != null ? `${total} contact${total === 1 ? '' : 's'}` : ''}
      </p>
      {selected.size > 0 && (
        <BulkTag
          ids={[...selected]}
          names={Object.fromEntries(items.map((c) => [c.id, c.display_name]))}
          onUpdated={(c) => setItems((xs) => xs.map((x) => (x.id === c.id ? c : x)))}
          onClear={() => setSelected(new Set())}
        />
      )}
      <table class="contacts" data-testid="contacts-table">
        <thead>
          <tr>
            <th scope="col">
              <span class="pick">
                <SelectAll items={items} selected={selected} setSelected={setSelected} />
                Name
              </span>
            </th>
            <th scope="col">Score</th>
            <th scope="col">Status</th>
            <th scope="col">Stage</th>
            <th scope="col" class="hide-phone">Category</th>
            <th scope="col" class="hide-phone">Tags</th>
            <th scope="col" class="hide-phone">Last touch</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} class={selected.has(c.id) ? 'selected' : undefined}>
              <td class="name">
                <div class="pick">
                  <input
                    type="checkbox"
                    aria-label={`Select ${c.display_name || 'contact'}`}
                    checked={selected.has(c.id)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setSelected((s) => {
                        const n = new Set(s);
                        if (on) n.add(c.id);
                        else n.delete(c.id);
                        return n;
                      });
                    }}
                  />
                  <div>
                    <Link href={`/contacts/${c.id}`}>{c.display_name || '(no name)'}</Link>
                    {c.overdue && <span class="tag overdue">overdue</span>}
                    <div class="muted small sub">{c.emails?.[0]?.address || c.phones?.[0]?.number || c.company || ''}</div>
                  </div>
                </div>
              </td>
              <td>
                <ScoreBadge score={c.score} />
              </td>
              <td>{label(c.status)}</td>
              <td>{label(c.stage)}</td>
              <td class="hide-phone">{c.category === 'none' ? '–' : c.category.toUpperCase()}</td>
              <td class="hide-phone">
                {c.tags.map((t) => (
                  <span class="tag">{t}</span>
                ))}
              </td>
              <td class="hide-phone">{c.last_touch_at ? fmtDate(c.last_touch_at) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 && !error && <p class="muted">No contacts match.</p>}
      {cursor && (
        <p>
          <button type="button" class="secondary" onClick={more} disabled={loading}>
            Load more
          </button>
        </p>
      )}
      {creating && (
        <CreateContact
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setItems((xs) => [c, ...xs]);
            setTotal((t) => (t == null ? t : t + 1));
            setCreating(false);
          }}
        />
      )}
    </section>
  );
}

/* The header checkbox: selects every contact loaded on the page. */
function SelectAll({ items, selected, setSelected }) {
  const ref = useRef(null);
  const n = items.filter((c) => selected.has(c.id)).length;
  const all = items.length > 0 && n === items.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = n > 0 && !all;
  }, [n, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all on page"
      checked={all}
      disabled={items.length === 0}
      onChange={() => setSelected(all ? new Set() : new Set(items.map((c) => c.id)))}
    />
  );
}

/* The bar over the table while contacts are selected: adds or removes one
 * tag on each, one after the other (read the contact's tags, PATCH the new
 * list), with a progress line and the failures by name. The selection
 * stays, so the result stays on screen and a failure can be retried. */
function BulkTag({ ids, names, onUpdated, onClear }) {
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState('');
  const [failures, setFailures] = useState([]);
  const apply = async (adding) => {
    const t = tag.trim().toLowerCase();
    if (!t) {
      setFailures([{ id: '', message: 'Type the tag first.' }]);
      return;
    }
    setBusy(true);
    setFailures([]);
    const failed = [];
    let changed = 0;
    for (let i = 0; i < ids.length; i++) {
      setProgress(`${adding ? 'Adding' : 'Removing'} “${t}”: ${i + 1} of ${ids.length}…`);
      try {
        const c = await api('GET', `/contacts/${ids[i]}`);
        const has = c.tags.includes(t);
        if (adding !== has) {
          const tags = adding ? [...c.tags, t] : c.tags.filter((x) => x !== t);
          onUpdated(await api('PATCH', `/contacts/${ids[i]}`, { body: { tags } }));
          changed++;
        } else onUpdated(c);
      } catch (e) {
        failed.push({ id: ids[i], message: e.message });
      }
    }
    const n = ids.length - failed.length;
    const done = `${adding ? 'Added' : 'Removed'} “${t}” ${adding ? 'to' : 'from'} ${n} contact`;
    const same = n - changed;
    setProgress(
      done +
        (n === 1 ? '' : 's') +
        (same ? ` (${same} ${adding ? 'had it already' : 'did not have it'}).` : '.')
    );
    setFailures(failed);
    setBusy(false);
  };
  return (
    <div class="bulk-bar" role="region" aria-label="Bulk tag">
      <strong>{ids.length} selected</strong>
      <div class="field">
        <label for="bulk-tag">Tag to add or remove</label>
        <input
          id="bulk-tag"
          value={tag}
          autocomplete="off"
          onInput={(e) => setTag(e.currentTarget.value)}
        />
      </div>
      <button type="button" class="primary" disabled={busy} onClick={() => apply(true)}>
        Add tag
      </button>
      <button type="button" class="secondary" disabled={busy} onClick={() => apply(false)}>
        Remove tag
      </button>
      <button type="button" class="link-button" disabled={busy} onClick={onClear}>
        Clear selection
      </button>
      <div class="bulk-progress small" role="status" aria-live="polite">
        {progress}
      </div>
      {failures.length > 0 && (
        <div class="error bulk-failures" role="alert">
          {failures.map((f) =>
            f.id ? (
              <div key={f.id}>
                Not changed: {names[f.id] || f.id}: {f.message}
              </div>
            ) : (
              <div key="tag">{f.message}</div>
            )
          )}
        </div>
      )}
    </div>
  );
}

function CreateContact({ onClose, onCreated }) {
  const [v, setV] = useState({ first_name: '', last_name: '', email: '', phone: '', company: '', status: '', type: 'client', tags: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { type: v.type };
    for (const k of ['first_name', 'last_name', 'company']) if (v[k].trim()) body[k] = v[k].trim();
    if (v.email.trim()) body.emails = [{ address: v.email.trim() }];
    if (v.phone.trim()) body.phones = [{ number: v.phone.trim() }];
    if (v.status) body.status = v.status;
    const tags = v.tags.split(',').map((t) => t.trim()).filter(Boolean);
    if (tags.length) body.tags = tags;
    try {
      onCreated(await api('POST', '/contacts', { body }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const fieldError = (k) => error && error.field && error.field.startsWith(k);
  return (
    <FormDialog
      id="new-contact-title"
      title="New contact"
      onClose={onClose}
      onSubmit={submit}
      error={error}
      busy={busy}
      submitLabel="Create contact"
    >
        <div class="form-grid">
          <div class="field">
            <label for="nc-first">First name</label>
            <input id="nc-first" value={v.first_name} onInput={set('first_name')} aria-invalid={fieldError('first_name')} />
          </div>
          <div class="field">
            <label for="nc-last">Last name</label>
            <input id="nc-last" value={v.last_name} onInput={set('last_name')} aria-invalid={fieldError('last_name')} />
          </div>
          <div class="field">
            <label for="nc-email">Email</label>
            <input id="nc-email" type="email" value={v.email} onInput={set('email')} aria-invalid={fieldError('emails')} />
          </div>
          <div class="field">
            <label for="nc-phone">Phone</label>
            <input id="nc-phone" type="tel" value={v.phone} onInput={set('phone')} aria-invalid={fieldError('phones')} />
          </div>
          <div class="field">
            <label for="nc-company">Company</label>
            <input id="nc-company" value={v.company} onInput={set('company')} />
          </div>
          <div class="field">
            <label for="nc-tags">Tags (comma separated)</label>
            <input id="nc-tags" value={v.tags} onInput={set('tags')} />
          </div>
          <div class="field">
            <label for="nc-status">Status</label>
            <select id="nc-status" value={v.status} onChange={set('status')}>
              <option value="">By the rules</option>
              {STATUSES.map((s) => (
                <option value={s}>{label(s)}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="nc-type">Type</label>
            <select id="nc-type" value={v.type} onChange={set('type')}>
              {TYPES.map((s) => (
                <option value={s}>{label(s)}</option>
              ))}
            </select>
          </div>
        </div>
    </FormDialog>
  );
}
