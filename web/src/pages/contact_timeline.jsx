// Contact page: the timeline, newest first: GET /contacts/{id}/timeline
// (activities, deals, status/stage/category changes) merged with the
// contact's messages not yet recorded as activities (queued, failed,
// suppressed: a sent message is an outbound activity already) and tasks.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtMoney, label } from '../format.jsx';
import { enumText, fmtDateTime, ruleText } from './contact_api.js';

const KINDS = [
  ['', 'Everything'],
  ['activity', 'Activities'],
  ['deal', 'Deals'],
  ['message', 'Messages'],
  ['task', 'Tasks'],
  ['history', 'Changes'],
];

export function addressText(a) {
  if (!a) return 'No address';
  return [a.street, a.city, a.region].filter(Boolean).join(', ') || 'No address';
}

function group(t) {
  return t === 'property' || t === 'transaction' ? 'deal' : t;
}

function dirText(a) {
  if (a.direction === 'inbound') return 'from the contact';
  if (a.direction === 'outbound') return 'to the contact';
  return '';
}

function Item({ it, currency }) {
  const when = <time dateTime={it.at}>{fmtDateTime(it.at)}</time>;
  if (it.type === 'activity') {
    const a = it.activity;
    const dur = a.duration_s ? ` · ${Math.round(a.duration_s / 60) || 1} min` : '';
    return (
      <li class={`tl tl-activity tl-${a.direction}`}>
        <div class="tl-head">
          <span class="tl-kind">{label(a.kind)}</span>
          <span class="muted small">
            {dirText(a)}
            {dur}
            {a.importance === 'high' ? ' · important' : ''}
            {Date.parse(a.occurred_at) > Date.now() ? ' · planned' : ''}
          </span>
          <span class="tl-when muted small">{when}</span>
        </div>
        {a.subject && <p class="tl-title">{a.subject}</p>}
        {a.body && <p class="tl-body">{a.body}</p>}
      </li>
    );
  }
  if (it.type === 'property' || it.type === 'transaction') {
    const d = it[it.type];
    const money = it.type === 'property' ? d.close_price ?? d.list_price : d.price;
    return (
      <li class="tl tl-deal">
        <div class="tl-head">
          <span class="tl-kind">{it.type === 'property' ? 'Listing' : 'Transaction'}</span>
          <span class="muted small">
            {label(d.status)}
            {money != null ? ` · ${fmtMoney(money, currency)}` : ''}
          </span>
          <span class="tl-when muted small">{when}</span>
        </div>
        {it.type === 'property' && <p class="tl-title">{addressText(d.address)}</p>}
      </li>
    );
  }
  if (it.type === 'history') {
    const h = it.history;
    return (
      <li class="tl tl-history">
        <div class="tl-head">
          <span class="tl-kind">{label(h.field)}</span>
          <span class="small">
            {h.from == null ? 'set to ' : `${enumText(h.field, h.from)} → `}
            {enumText(h.field, h.to)}
          </span>
          <span class="tl-when muted small">{when}</span>
        </div>
        <p class="tl-body muted small">{ruleText(h.rule)}</p>
      </li>
    );
  }
  if (it.type === 'message') {
    const m = it.message;
    return (
      <li class="tl tl-message">
        <div class="tl-head">
          <span class="tl-kind">{m.channel === 'sms' ? 'SMS' : 'Email'} message</span>
          <span class={`tl-status st-${m.status} small`}>{label(m.status)}</span>
          <span class="tl-when muted small">{when}</span>
        </div>
        {m.subject && <p class="tl-title">{m.subject}</p>}
        <p class="tl-body">{m.body}</p>
        {m.reason && <p class="muted small">{m.reason}</p>}
      </li>
    );
  }
  const t = it.task;
  return (
    <li class={`tl tl-task${t.done ? ' done' : ''}`}>
      <div class="tl-head">
        <span class="tl-kind">Task</span>
        <span class="muted small">
          {label(t.kind)} · {t.done ? `done ${fmtDateTime(t.done_at)}` : 'open'}
          {t.outcome ? ` · ${label(t.outcome)}` : ''}
        </span>
        <span class="tl-when muted small">due {when}</span>
      </div>
      <p class="tl-title">{t.title}</p>
    </li>
  );
}

export function Timeline({ contactId, rev, currency }) {
  const [items, setItems] = useState(null);
  const [extra, setExtra] = useState([]);
  const [before, setBefore] = useState(null);
  const [kind, setKind] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const q = { contact_id: contactId, limit: 200 };
    Promise.all([
      api('GET', `/contacts/${contactId}/timeline`, { query: { limit: 50 } }),
      api('GET', '/messages', { query: q }).catch(() => ({ items: [] })),
      api('GET', '/tasks', { query: q }).catch(() => ({ items: [] })),
    ])
      .then(([tl, msgs, tasks]) => {
        if (!live) return;
        setItems(tl.items);
        setBefore(tl.next_before || null);
        setExtra([
          ...msgs.items
            .filter((m) => !m.activity_id)
            .map((m) => ({ type: 'message', at: m.sent_at || m.created_at, message: m })),
          ...tasks.items.map((t) => ({ type: 'task', at: t.due_at || t.created_at, task: t })),
        ]);
        setError('');
      })
      .catch((e) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [contactId, rev]);

  const more = async () => {
    setBusy(true);
    try {
      const r = await api('GET', `/contacts/${contactId}/timeline`, {
        query: { limit: 50, before },
      });
      setItems((xs) => [...xs, ...r.items]);
      setBefore(r.next_before || null);
    } catch (e) {
      setError(e.message);
    }
    setBusy(false);
  };

  let all = [];
  if (items) {
    // messages and tasks older than the loaded page wait for "Load more"
    const oldest = before && items.length ? items[items.length - 1].at : null;
    all = [...items, ...extra.filter((x) => !oldest || x.at >= oldest)];
    all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    if (kind) all = all.filter((x) => group(x.type) === kind);
  }
  return (
    <section class="card timeline" aria-labelledby="tl-title">
      <div class="card-head">
        <h2 id="tl-title">Timeline</h2>
        <label class="inline small">
          <span class="sr-only">Show</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {KINDS.map(([k, t]) => (
              <option value={k}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!items && !error && <p class="muted">Loading…</p>}
      {items && all.length === 0 && <p class="muted">Nothing here yet.</p>}
      <ol class="tl-list" data-testid="timeline">
        {all.map((it, i) => (
          <Item key={it.type + (it[it.type]?.id || '') + it.at + i} it={it} currency={currency} />
        ))}
      </ol>
      {before && (
        <button type="button" class="secondary" onClick={more} disabled={busy}>
          Load more
        </button>
      )}
    </section>
  );
}
