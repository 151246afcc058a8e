// Possible duplicates (issue 8): GET /duplicates lists pairs of live
// contacts that share an email or a phone, or have close names at one
// address (API.md Contacts). Each pair is shown side by side; "Merge into
// left" keeps the left one (POST /contacts/{left}/merge {other_id: right},
// which moves the right one's emails, phones, tags, activities and deals
// onto it and archives it), after a confirmation in place. "Not a
// duplicate" hides the pair for this tab's session.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { ScoreBadge, label } from '../format.jsx';

const HIDDEN_KEY = 'rapport.duplicates.hidden';
const LIMIT = 500; // the API's most
const PAGE = 20;

const pairKey = (p) => [p.contacts[0].id, p.contacts[1].id].sort().join('|');
const nameOf = (c) => c.display_name || 'Unnamed contact';

function readHidden() {
  try {
    const v = JSON.parse(sessionStorage.getItem(HIDDEN_KEY) || '[]');
    return new Set(Array.isArray(v) ? v : []);
  } catch {
    return new Set();
  }
}

/* The reason of a pair in words: "Same email ann@x.com". */
export function reasonText(p) {
  if (p.reason === 'email') return `Same email ${p.value}`;
  if (p.reason === 'phone') return `Same phone ${p.value}`;
  if (p.reason === 'name_address')
    return `Close names at one address (${String(p.value).split('|').filter(Boolean).join(', ')})`;
  return `${label(p.reason)}: ${p.value}`;
}

/* A merge's answer (a whole contact) in the list's brief form. */
function brief(c) {
  return {
    id: c.id,
    display_name: c.display_name,
    status: c.status,
    emails: (c.emails || []).map((e) => e.address),
    phones: (c.phones || []).map((p) => p.number),
    score: c.score,
  };
}

function Side({ c, which }) {
  return (
    <div class="im-side">
      <p class="im-which muted small">{which}</p>
      <p class="im-name">
        <Link href={`/contacts/${encodeURIComponent(c.id)}`}>{nameOf(c)}</Link>{' '}
        <ScoreBadge score={c.score} />
      </p>
      <dl class="im-facts">
        <dt>Status</dt>
        <dd>{label(c.status)}</dd>
        <dt>Emails</dt>
        <dd>{c.emails.length ? c.emails.join(', ') : '–'}</dd>
        <dt>Phones</dt>
        <dd>{c.phones.length ? c.phones.join(', ') : '–'}</dd>
      </dl>
    </div>
  );
}

function Pair({ p, busy, onMerge, onHide }) {
  const [asking, setAsking] = useState(null); // 0: keep left, 1: keep right
  const [a, b] = p.contacts;
  const keep = asking == null ? null : p.contacts[asking];
  const gone = asking == null ? null : p.contacts[1 - asking];
  const id = `im-pair-${a.id}-${b.id}`;
  return (
    <li class="im-pair" data-testid="duplicate-pair" aria-labelledby={id}>
      <p class="im-why" id={id}>
        {reasonText(p)}
      </p>
      <div class="im-sides">
        <Side c={a} which="Left" />
        <Side c={b} which="Right" />
      </div>
      {keep ? (
        <div class="im-confirm">
          <p class="small">
            Keep <strong>{nameOf(keep)}</strong> and merge <strong>{nameOf(gone)}</strong> into
            it? {nameOf(gone)} will be archived.
          </p>
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() => (setAsking(null), onMerge(p, keep, gone))}
            >
              Yes, merge
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div class="actions im-pair-actions">
          <button type="button" class="secondary" disabled={busy} onClick={() => setAsking(0)}>
            Merge into left<span class="sr-only"> (keep {nameOf(a)})</span>
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => setAsking(1)}>
            Merge into right<span class="sr-only"> (keep {nameOf(b)})</span>
          </button>
          <button type="button" class="link-button" disabled={busy} onClick={() => onHide(p)}>
            Not a duplicate
          </button>
        </div>
      )}
    </li>
  );
}

export function Duplicates({ tick }) {
  const [pairs, setPairs] = useState(null);
  const [hidden, setHidden] = useState(readHidden);
  const [error, setError] = useState('');
  const [done, setDone] = useState(null); // {keep, gone} of the last merge
  const [busy, setBusy] = useState(false);
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const ctl = new AbortController();
    setError('');
    api('GET', '/duplicates', { query: { limit: LIMIT }, signal: ctl.signal })
      .then((r) => setPairs(r.items))
      .catch((e) => {
        if (e.name === 'AbortError' || e.status === 401) return;
        setError(`Could not list the duplicates: ${e.message}`);
        setPairs((ps) => ps || []);
      });
    return () => ctl.abort();
  }, [tick, reload]);

  const merge = async (p, keep, gone) => {
    setBusy(true);
    setError('');
    setDone(null);
    try {
      const c = await api('POST', `/contacts/${encodeURIComponent(keep.id)}/merge`, {
        body: { other_id: gone.id },
      });
      const kept = brief(c);
      // the archived one leaves every pair; the survivor shows its new details
      setPairs((ps) =>
        ps
          .filter((x) => x !== p && !x.contacts.some((y) => y.id === gone.id))
          .map((x) => ({ ...x, contacts: x.contacts.map((y) => (y.id === kept.id ? kept : y)) }))
      );
      setDone({ keep: kept, gone });
    } catch (e) {
      if (e.status !== 401)
        setError(`Could not merge ${nameOf(gone)} into ${nameOf(keep)}: ${e.message}`);
    }
    setBusy(false);
  };

  const hide = (p) => {
    const h = new Set(hidden);
    h.add(pairKey(p));
    sessionStorage.setItem(HIDDEN_KEY, JSON.stringify([...h]));
    setHidden(h);
  };

  const q = filter.trim().toLowerCase();
  const matches = (p) =>
    !q ||
    p.value.toLowerCase().includes(q) ||
    p.contacts.some((c) =>
      [nameOf(c), ...c.emails, ...c.phones].some((s) => s.toLowerCase().includes(q))
    );
  const visible = (pairs || []).filter((p) => !hidden.has(pairKey(p)));
  const listed = visible.filter(matches);

  return (
    <section class="card im-dups" aria-labelledby="im-dups-title">
      <div class="card-head">
        <h2 id="im-dups-title">Possible duplicates</h2>
        <button type="button" class="secondary" onClick={() => setReload((n) => n + 1)}>
          Check again
        </button>
      </div>
      <p class="muted">
        Contacts that share an email or a phone, or have close names at one address. Merging keeps
        one: the other’s emails, phones, tags, activities and deals move onto it, and the other is
        archived.
      </p>
      <p role="status" class="im-merged">
        {done && (
          <>
            Merged {nameOf(done.gone)} into {nameOf(done.keep)}: {nameOf(done.keep)} is kept.{' '}
            <Link href={`/contacts/${encodeURIComponent(done.keep.id)}`}>
              Open {nameOf(done.keep)}
            </Link>
          </>
        )}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {pairs === null ? (
        <p class="muted">Looking for duplicates…</p>
      ) : !visible.length ? (
        <p class="muted">
          No possible duplicates
          {pairs.length ? ' left to review in this session' : ''}.
        </p>
      ) : (
        <>
          <div class="field im-filter">
            <label for="im-dup-filter">Find a pair (name, email or phone)</label>
            <input
              id="im-dup-filter"
              type="search"
              value={filter}
              onInput={(e) => {
                setFilter(e.currentTarget.value);
                setShown(PAGE);
              }}
            />
          </div>
          <p class="muted small">
            {listed.length === visible.length
              ? `${visible.length} ${visible.length === 1 ? 'pair' : 'pairs'}`
              : `${listed.length} of ${visible.length} pairs`}
            {pairs.length >= LIMIT && ' (the first 500 found; merge some, then check again)'}
          </p>
          <ul class="im-pairs">
            {listed.slice(0, shown).map((p) => (
              <Pair key={pairKey(p)} p={p} busy={busy} onMerge={merge} onHide={hide} />
            ))}
          </ul>
          {listed.length > shown && (
            <button type="button" class="secondary" onClick={() => setShown((n) => n + PAGE)}>
              Show more ({listed.length - shown} more)
            </button>
          )}
        </>
      )}
    </section>
  );
}
