// Pipeline (issue 7): the open deals by status as a board, one tab for the
// listings (properties) and one for the buyers (transactions). A card moves
// by drag and drop or by its "Move to" select (phones have no drag and
// drop): the page moves it at once, PATCHes the deal's status with
// If-Match, puts it back when the server refuses (412: reloads the board),
// and says what happened, with the contacts' new status when the rules
// moved it (DOMAIN.md L4, L5: closing a listing makes the seller a past
// client). Closed and dead deals sit in a compact zone under the board.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link, navigate, useLocation } from '../router.jsx';
import { fmtMoney, label } from '../format.jsx';
import {
  fetchAll,
  fmtDay,
  fmtMoneyShort,
  getContacts,
  getCurrency,
  patchVersioned,
} from './pipeline_lib.js';
import './pipeline.css';

const BOARDS = {
  listings: {
    name: 'Listings',
    path: '/properties',
    open: ['pre_listing', 'active', 'pending'],
    end: ['closed', 'withdrawn', 'expired', 'canceled'],
    value: (d) => (d.status === 'closed' && d.close_price != null ? d.close_price : d.list_price),
  },
  buyers: {
    name: 'Buyers',
    path: '/transactions',
    open: ['pending', 'contingency', 'clear_to_close'],
    end: ['closed', 'canceled'],
    value: (d) => d.price,
  },
};
const SHOWN_IN_END = 3; // cards shown in a closed/dead zone before "Show all"

function addressLine(a) {
  if (!a) return '';
  return [a.street, a.city].filter(Boolean).join(', ') || a.postal_code || '';
}

/* What a card is called: the address, else the buyers' (or anyone's) names. */
function dealTitle(kind, d, contacts, properties) {
  const addr =
    kind === 'listings' ? addressLine(d.address) : addressLine(properties[d.property_id]?.address);
  if (addr) return addr;
  const parties = d.contacts.filter((c) => c.role !== 'other');
  const names = (parties.length ? parties : d.contacts)
    .map((c) => contacts[c.contact_id]?.display_name)
    .filter(Boolean);
  return names.length ? names.join(' & ') : kind === 'listings' ? 'Listing' : 'Purchase';
}

function sumValue(kind, deals) {
  return deals.reduce((s, d) => s + (BOARDS[kind].value(d) || 0), 0);
}

function Card({ kind, deal, title, contacts, currency, busy, onMove, dragging }) {
  const b = BOARDS[kind];
  const value = b.value(deal);
  const selId = `move-${deal.id}`;
  return (
    <li
      class={'pl-card' + (busy ? ' busy' : '')}
      draggable={!busy}
      data-deal-id={deal.id}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', deal.id);
        e.dataTransfer.effectAllowed = 'move';
        dragging.current = deal.id;
      }}
      onDragEnd={() => {
        dragging.current = null;
      }}
    >
      <h3 class="pl-title">{title}</h3>
      <p class="pl-facts">
        <span class="pl-price">{value != null ? fmtMoney(value, currency) : 'No price'}</span>
        {deal.close_date && (
          <span class="muted small">
            {deal.status === 'closed' ? 'Closed ' : 'Closes '}
            {fmtDay(deal.close_date)}
          </span>
        )}
      </p>
      {deal.contacts.length > 0 && (
        <ul class="pl-people">
          {deal.contacts.map((p) => {
            const c = contacts[p.contact_id];
            return (
              <li key={p.contact_id + p.role}>
                <Link href={`/contacts/${p.contact_id}`}>{c?.display_name || 'Contact'}</Link>
                <span class="muted small">
                  {' '}
                  {label(p.role)}
                  {c && p.role !== 'other' && (
                    <span class="pl-cstatus" data-contact-status={c.status}>
                      {' · '}
                      {label(c.status)}
                    </span>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <div class="pl-move">
        <label for={selId} class="small">
          Move to<span class="sr-only"> (for {title})</span>
        </label>
        <select
          id={selId}
          value=""
          disabled={busy}
          onChange={(e) => {
            const to = e.currentTarget.value;
            e.currentTarget.value = '';
            if (to) onMove(deal, to);
          }}
        >
          <option value="">{label(deal.status)}…</option>
          {[...b.open, ...b.end]
            .filter((s) => s !== deal.status)
            .map((s) => (
              <option value={s}>{label(s)}</option>
            ))}
        </select>
      </div>
    </li>
  );
}

/* A drop target: calls onDrop(dealId) when a card is dropped on it. */
function useDrop(status, onDropDeal, dragging) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  return [
    over,
    {
      onDragEnter: (e) => {
        if (!dragging.current) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      },
      onDragOver: (e) => {
        if (!dragging.current) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
      },
      onDragLeave: () => {
        depth.current = Math.max(0, depth.current - 1);
        if (!depth.current) setOver(false);
      },
      onDrop: (e) => {
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const id = e.dataTransfer.getData('text/plain') || dragging.current;
        dragging.current = null;
        if (id) onDropDeal(id, status);
      },
    },
  ];
}

function Column({ kind, status, deals, compact, cardProps, onDropDeal, dragging, currency }) {
  const [over, dropProps] = useDrop(status, onDropDeal, dragging);
  const [all, setAll] = useState(false);
  const id = `col-${kind}-${status}`;
  // a closed/dead zone shows the most recently changed few
  const sorted = compact
    ? [...deals].sort((a, b) => (b.updated_at || '').localeCompare(a.updated_at || ''))
    : deals;
  const shown = compact && !all ? sorted.slice(0, SHOWN_IN_END) : sorted;
  return (
    <section
      class={`pl-col${compact ? ' compact' : ''}${over ? ' over' : ''}`}
      aria-labelledby={id}
      data-status={status}
      {...dropProps}
    >
      <header class="pl-col-head">
        <h2 id={id}>{label(status)}</h2>
        <span class="pl-sum" data-testid="column-sum">
          <span class="pl-count">{deals.length}</span>
          <span class="sr-only"> deals, </span>
          <span aria-hidden="true"> · </span>
          <span title={fmtMoney(sumValue(kind, deals), currency)}>
            {fmtMoneyShort(sumValue(kind, deals), currency)}
          </span>
        </span>
      </header>
      {shown.length > 0 ? (
        <ul class="pl-cards">
          {shown.map((d) => (
            <Card key={d.id} kind={kind} deal={d} dragging={dragging} {...cardProps(d)} />
          ))}
        </ul>
      ) : (
        <p class="muted small pl-empty">{compact ? 'Drop a card here' : 'No deals'}</p>
      )}
      {compact && deals.length > SHOWN_IN_END && (
        <button type="button" class="link-button small" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${deals.length}`}
        </button>
      )}
    </section>
  );
}

function Board({ kind }) {
  const b = BOARDS[kind];
  const [deals, setDeals] = useState(null);
  const [contacts, setContacts] = useState({});
  const [properties, setProperties] = useState({});
  const [currency, setCurrency] = useState('USD');
  const [error, setError] = useState('');
  const [note, setNote] = useState(null); // {text, alert}
  const [busy, setBusy] = useState({});
  const [loadTick, setLoadTick] = useState(0);
  const dragging = useRef(null);
  const dealsRef = useRef(null);
  dealsRef.current = deals;

  useEffect(() => {
    let live = true;
    setError('');
    getCurrency().then((c) => live && setCurrency(c));
    (async () => {
      const ds = await fetchAll(b.path);
      const cs = await getContacts(
        ds.flatMap((d) => d.contacts.map((c) => c.contact_id)),
        { fresh: true }
      );
      let ps = {};
      if (kind === 'buyers') {
        const ids = [...new Set(ds.map((d) => d.property_id).filter(Boolean))];
        const got = await Promise.all(
          ids.map((id) => api('GET', `/properties/${encodeURIComponent(id)}`).catch(() => null))
        );
        got.forEach((p) => p && (ps[p.id] = p));
      }
      if (!live) return;
      setContacts(cs);
      setProperties(ps);
      setDeals(ds);
    })().catch((e) => live && e.status !== 401 && setError(e.message));
    return () => {
      live = false;
    };
  }, [kind, loadTick]);

  const titleOf = (d) => dealTitle(kind, d, contacts, properties);

  const move = async (deal, to) => {
    if (!deal || deal.status === to || busy[deal.id]) return;
    const name = titleOf(deal);
    const before = {};
    deal.contacts.forEach((c) => {
      if (contacts[c.contact_id]) before[c.contact_id] = contacts[c.contact_id].status;
    });
    // optimistic: the card moves now, and comes back if the server says no
    setDeals((ds) => ds.map((d) => (d.id === deal.id ? { ...d, status: to } : d)));
    setBusy((m) => ({ ...m, [deal.id]: true }));
    setNote({ text: `Moving ${name} to ${label(to)}…` });
    try {
      const nd = await patchVersioned(`${b.path}/${encodeURIComponent(deal.id)}`, deal.version, {
        status: to,
      });
      setDeals((ds) => ds.map((d) => (d.id === deal.id ? nd : d)));
      const fresh = await getContacts(
        nd.contacts.map((c) => c.contact_id),
        { fresh: true }
      );
      setContacts((m) => ({ ...m, ...fresh }));
      const changed = Object.values(fresh)
        .filter((c) => c && before[c.id] && before[c.id] !== c.status)
        .map((c) => `${c.display_name} is now ${label(c.status)}.`);
      setNote({ text: [`Moved ${name} to ${label(to)}.`, ...changed].join(' ') });
    } catch (e) {
      if (e.status === 401) return;
      setDeals((ds) => ds.map((d) => (d.id === deal.id ? deal : d)));
      if (e.status === 412) {
        setNote({
          alert: true,
          text:
            `${name} was changed by someone else, so it was not moved. ` +
            'The board has been reloaded: check it and try again.',
        });
        setLoadTick((t) => t + 1);
      } else {
        setNote({ alert: true, text: `Could not move ${name}: ${e.message}` });
      }
    } finally {
      setBusy((m) => {
        const n = { ...m };
        delete n[deal.id];
        return n;
      });
    }
  };

  const onDropDeal = (id, to) => move((dealsRef.current || []).find((d) => d.id === id), to);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!deals) return <p role="status">Loading…</p>;

  const byStatus = (s) => deals.filter((d) => d.status === s);
  const open = deals.filter((d) => b.open.includes(d.status));
  const cardProps = (d) => ({
    title: titleOf(d),
    contacts,
    currency,
    busy: !!busy[d.id],
    onMove: move,
  });
  const colProps = { kind, cardProps, onDropDeal, dragging, currency };
  return (
    <>
      <p class="muted small pl-summary">
        {open.length} open {open.length === 1 ? 'deal' : 'deals'},{' '}
        {fmtMoney(sumValue(kind, open), currency)}. Drag a card to another column, or use its
        “Move to” list.
      </p>
      <p class="pl-note" role="status" aria-live="polite">
        {note && !note.alert ? note.text : ''}
      </p>
      {note?.alert && (
        <p class="pl-note error" role="alert">
          {note.text}
        </p>
      )}
      <div class="pl-board" data-testid="pipeline-board">
        {b.open.map((s) => (
          <Column key={s} status={s} deals={byStatus(s)} {...colProps} />
        ))}
      </div>
      <h2 class="pl-end-title">Closed and dead</h2>
      <div class="pl-end">
        {b.end.map((s) => (
          <Column key={s} status={s} deals={byStatus(s)} compact {...colProps} />
        ))}
      </div>
    </>
  );
}

export function Pipeline() {
  const path = useLocation();
  const kind = path === '/pipeline/buyers' ? 'buyers' : 'listings';
  const tabs = ['listings', 'buyers'];
  const refs = useRef({});
  const go = (k) =>
    navigate(k === 'listings' ? '/pipeline' : '/pipeline/buyers', { replace: true });
  const onKey = (e) => {
    const i = tabs.indexOf(kind);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i + tabs.length - 1) % tabs.length;
    if (j < 0) return;
    e.preventDefault();
    go(tabs[j]);
    refs.current[tabs[j]]?.focus();
  };
  return (
    <section class="page pipeline">
      <h1>Pipeline</h1>
      <div class="pl-tabs" role="tablist" aria-label="Boards">
        {tabs.map((k) => (
          <button
            type="button"
            role="tab"
            id={`tab-${k}`}
            ref={(el) => (refs.current[k] = el)}
            aria-selected={kind === k ? 'true' : 'false'}
            aria-controls="pipeline-panel"
            tabIndex={kind === k ? 0 : -1}
            onClick={() => go(k)}
            onKeyDown={onKey}
          >
            {BOARDS[k].name}
          </button>
        ))}
      </div>
      <div id="pipeline-panel" role="tabpanel" aria-labelledby={`tab-${kind}`}>
        <Board key={kind} kind={kind} />
      </div>
    </section>
  );
}
