// Contact page: the contact's deals (listings and transactions, with
// status and role; a status can be changed) with small "New listing" and
// "New transaction" forms (a buyer or seller of an open deal becomes a
// client, DOMAIN.md L4), and its workflows: enroll in one, the runs with
// their next step, stop a run.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { fmtMoney, label } from '../format.jsx';
import { fmtDateTime } from './contact_api.js';
import { fmtDay } from './contact_fields.jsx';
import { addressText } from './contact_timeline.jsx';

const PROPERTY_STATUSES = [
  'pre_listing',
  'active',
  'pending',
  'closed',
  'withdrawn',
  'expired',
  'canceled',
];
const TRANSACTION_STATUSES = ['pending', 'contingency', 'clear_to_close', 'closed', 'canceled'];
const ROLES = ['seller', 'buyer', 'other'];

function DealStatus({ kind, deal, onChanged }) {
  const [v, setV] = useState(deal.status);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setV(deal.status), [deal.status]);
  const id = `ds-${deal.id}`;
  const save = async () => {
    setBusy(true);
    setError('');
    try {
      await api('PATCH', `/${kind}/${deal.id}`, { body: { status: v } });
      onChanged(`Status changed to ${label(v)}.`);
    } catch (e) {
      setError(e.message);
    }
    setBusy(false);
  };
  const statuses = kind === 'properties' ? PROPERTY_STATUSES : TRANSACTION_STATUSES;
  return (
    <span class="deal-status">
      <label class="sr-only" for={id}>
        Status
      </label>
      <select id={id} value={v} onChange={(e) => setV(e.currentTarget.value)}>
        {statuses.map((s) => (
          <option value={s}>{label(s)}</option>
        ))}
      </select>
      {v !== deal.status && (
        <button type="button" class="primary small-button" onClick={save} disabled={busy}>
          Save
        </button>
      )}
      {error && (
        <span class="cf-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

function NewDeal({ kind, contactId, onDone, onCancel }) {
  const listing = kind === 'properties';
  const [v, setV] = useState({
    street: '',
    city: '',
    price: '',
    status: listing ? 'active' : 'pending',
    role: listing ? 'seller' : 'buyer',
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  useEffect(() => first.current?.focus(), []);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const p = listing ? 'nl' : 'nt';
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { status: v.status, contacts: [{ contact_id: contactId, role: v.role }] };
    if (listing) {
      const address = {};
      if (v.street.trim()) address.street = v.street.trim();
      if (v.city.trim()) address.city = v.city.trim();
      body.address = address;
    }
    if (v.price !== '') body[listing ? 'list_price' : 'price'] = Number(v.price);
    setBusy(true);
    try {
      await api('POST', `/${kind}`, { body });
      onDone(listing ? 'Listing created.' : 'Transaction created.');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const bad = (k) => (error && error.field && error.field.startsWith(k) ? 'true' : undefined);
  return (
    <form
      class="new-deal"
      onSubmit={submit}
      aria-labelledby={`${p}-title`}
      noValidate
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h3 id={`${p}-title`}>{listing ? 'New listing' : 'New transaction'}</h3>
      <div class="form-grid">
        {listing && (
          <>
            <div class="field">
              <label for={`${p}-street`}>Street</label>
              <input
                id={`${p}-street`}
                ref={first}
                value={v.street}
                onInput={set('street')}
                aria-invalid={bad('address')}
              />
            </div>
            <div class="field">
              <label for={`${p}-city`}>City</label>
              <input id={`${p}-city`} value={v.city} onInput={set('city')} />
            </div>
          </>
        )}
        <div class="field">
          <label for={`${p}-price`}>{listing ? 'List price' : 'Price'}</label>
          <input
            id={`${p}-price`}
            ref={listing ? undefined : first}
            type="number"
            min="0"
            value={v.price}
            onInput={set('price')}
            aria-invalid={bad(listing ? 'list_price' : 'price')}
          />
        </div>
        <div class="field">
          <label for={`${p}-status`}>Status</label>
          <select id={`${p}-status`} value={v.status} onChange={set('status')}>
            {(listing ? PROPERTY_STATUSES : TRANSACTION_STATUSES).map((s) => (
              <option value={s}>{label(s)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${p}-role`}>Contact's role</label>
          <select id={`${p}-role`} value={v.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option value={r}>{label(r)}</option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      <div class="buttons">
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {listing ? 'Create listing' : 'Create transaction'}
        </button>
      </div>
    </form>
  );
}

export function Deals({ contactId, rev, currency, onChanged }) {
  const [props, setProps] = useState(null);
  const [txs, setTxs] = useState([]);
  const [error, setError] = useState('');
  const [adding, setAdding] = useState('');
  useEffect(() => {
    let live = true;
    const query = { contact_id: contactId, limit: 100 };
    Promise.all([api('GET', '/properties', { query }), api('GET', '/transactions', { query })])
      .then(([p, t]) => {
        if (!live) return;
        setProps(p.items);
        setTxs(t.items);
        setError('');
      })
      .catch((e) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [contactId, rev]);
  const role = (d) =>
    d.contacts
      .filter((c) => c.contact_id === contactId)
      .map((c) => label(c.role))
      .join(', ');
  const done = (msg) => {
    setAdding('');
    onChanged(msg);
  };
  return (
    <section class="card deals" aria-labelledby="deals-title">
      <div class="card-head">
        <h2 id="deals-title">Deals</h2>
        <span class="actions">
          <button
            type="button"
            class="secondary small-button"
            onClick={() => setAdding('properties')}
          >
            New listing
          </button>
          <button
            type="button"
            class="secondary small-button"
            onClick={() => setAdding('transactions')}
          >
            New transaction
          </button>
        </span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {adding && (
        <NewDeal
          key={adding}
          kind={adding}
          contactId={contactId}
          onDone={done}
          onCancel={() => setAdding('')}
        />
      )}
      {props && props.length === 0 && txs.length === 0 && <p class="muted">No deals yet.</p>}
      <ul class="list deal-list" data-testid="deals">
        {(props || []).map((d) => (
          <li key={d.id} class="deal">
            <div>
              <strong>{addressText(d.address)}</strong>
              <div class="muted small">
                Listing · {role(d)}
                {d.list_price != null && ` · listed ${fmtMoney(d.list_price, currency)}`}
                {d.close_price != null && ` · sold ${fmtMoney(d.close_price, currency)}`}
                {d.close_date && ` · closes ${fmtDay(d.close_date)}`}
              </div>
            </div>
            <DealStatus kind="properties" deal={d} onChanged={onChanged} />
          </li>
        ))}
        {txs.map((d) => (
          <li key={d.id} class="deal">
            <div>
              <strong>Transaction{d.price != null && ` · ${fmtMoney(d.price, currency)}`}</strong>
              <div class="muted small">
                {role(d)}
                {d.close_date && ` · closes ${fmtDay(d.close_date)}`}
              </div>
            </div>
            <DealStatus kind="transactions" deal={d} onChanged={onChanged} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function nextStep(run, wf) {
  const n = run.next_step;
  if (!n) return run.stop_reason ? `Stopped: ${label(run.stop_reason)}` : '';
  const step = wf?.steps?.[n.step];
  const what = step ? label(step.action) : `step ${n.step + 1}`;
  return `Next: ${what} (step ${n.step + 1}), ${fmtDateTime(n.due_at)}`;
}

export function ContactWorkflows({ contactId, rev, onChanged }) {
  const [wfs, setWfs] = useState([]);
  const [runs, setRuns] = useState(null);
  const [pick, setPick] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api('GET', '/workflows')
      .then((r) => setWfs(r.items))
      .catch((e) => setError(e.message));
  }, []);
  useEffect(() => {
    let live = true;
    api('GET', '/workflow-runs', { query: { contact_id: contactId, limit: 100 } })
      .then((r) => live && setRuns(r.items))
      .catch((e) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [contactId, rev]);
  const enroll = async (e) => {
    e.preventDefault();
    if (!pick) return setError('Choose a workflow.');
    setBusy(true);
    setError('');
    try {
      await api('POST', `/workflows/${pick}/enroll`, { body: { contact_id: contactId } });
      const w = wfs.find((x) => x.id === pick);
      setPick('');
      onChanged(`Enrolled in ${w ? w.name : 'the workflow'}.`);
    } catch (err) {
      setError(err.message);
    }
    setBusy(false);
  };
  const stop = async (run) => {
    setError('');
    try {
      await api('DELETE', `/workflow-runs/${run.id}`);
      onChanged(`Stopped ${run.workflow_name}.`);
    } catch (err) {
      setError(err.message);
    }
  };
  const byId = Object.fromEntries(wfs.map((w) => [w.id, w]));
  const enabled = wfs.filter((w) => w.enabled);
  return (
    <section class="card" aria-labelledby="wf-title">
      <h2 id="wf-title">Workflows</h2>
      <form class="enroll" onSubmit={enroll}>
        <div class="field grow">
          <label for="wf-pick">Workflow</label>
          <select id="wf-pick" value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {enabled.map((w) => (
              <option value={w.id}>{w.name}</option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          Enroll
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {runs && runs.length === 0 && <p class="muted">Not in any workflow.</p>}
      <ul class="list runs" data-testid="workflow-runs">
        {(runs || []).map((r) => (
          <li key={r.id} class="run">
            <div>
              <Link href={`/workflows/${r.workflow_id}`}>
                <strong>{r.workflow_name}</strong>
              </Link>{' '}
              <span class={`run-status run-${r.status}`}>{label(r.status)}</span>
              <div class="muted small">
                Started {fmtDateTime(r.started_at)}
                {r.ended_at && ` · ended ${fmtDateTime(r.ended_at)}`}
              </div>
              <div class="small">{nextStep(r, byId[r.workflow_id])}</div>
            </div>
            {r.status === 'active' && (
              <button
                type="button"
                class="secondary small-button"
                aria-label={`Stop ${r.workflow_name}`}
                onClick={() => stop(r)}
              >
                Stop
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
