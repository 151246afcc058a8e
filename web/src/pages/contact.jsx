// Contact page (issue 7), at /contacts/{id}: the header (name, status,
// stage and category pills that open their change history with the rule
// ids in words, the score badge, quick actions: call, text, email, log),
// the fields, each editable in place (contact_fields.jsx), deals and
// workflows (contact_deals.jsx), the score card and its history chart
// (contact_score.jsx) and the timeline (contact_timeline.jsx). `l` opens
// the log form, `m` the message form. After every write the contact and
// the sections reload, so a status the rules changed shows at once.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { ScoreBadge, fmtDate, label } from '../format.jsx';
import {
  capital,
  enumText,
  fmtDateTime,
  patchContact,
  patchOf,
  plainMessage,
  ruleText,
  typingIn,
} from './contact_api.js';
import { ContactFields } from './contact_fields.jsx';
import { ScoreCard, ScoreChart } from './contact_score.jsx';
import { Timeline } from './contact_timeline.jsx';
import { LogDialog, SendDialog, channelBlock } from './contact_log.jsx';
import { ContactWorkflows, Deals } from './contact_deals.jsx';
import './contact.css';

const PILLS = ['status', 'stage', 'category'];

function PillHistory({ field, rows, onClose }) {
  const mine = rows.filter((h) => h.field === field);
  return (
    <section class="card pill-history" id="pill-history" aria-labelledby="pill-history-title">
      <div class="card-head">
        <h2 id="pill-history-title">{label(field)} history</h2>
        <button type="button" class="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      {mine.length === 0 ? (
        <p class="muted">No changes recorded.</p>
      ) : (
        <ol class="list history-rows">
          {mine
            .slice()
            .reverse()
            .map((h, i) => (
              <li key={i}>
                <span class="history-change">
                  {h.from == null ? 'Set to ' : `${enumText(field, h.from)} → `}
                  <strong>{enumText(field, h.to)}</strong>
                </span>
                <span class="muted small">
                  {' '}
                  · {ruleText(h.rule)} · <time dateTime={h.at}>{fmtDateTime(h.at)}</time>
                </span>
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}

export function ContactPage({ id, user }) {
  const [contact, setContact] = useState(null);
  const [error, setError] = useState(null);
  const [rev, setRev] = useState(0);
  const [history, setHistory] = useState([]);
  const [pill, setPill] = useState('');
  const [dialog, setDialog] = useState(null); // {kind: 'log'} | {kind: 'send', channel}
  const [flash, setFlash] = useState('');
  const [currency, setCurrency] = useState('USD');

  const loadContact = () =>
    api('GET', `/contacts/${encodeURIComponent(id)}`).then(
      (c) => {
        setContact(c);
        setError(null);
        return c;
      },
      (e) => {
        if (e.status !== 401) setError(e);
        return null;
      }
    );

  useEffect(() => {
    setContact(null);
    setPill('');
    setFlash('');
    loadContact();
  }, [id]);

  useEffect(() => {
    api('GET', '/settings')
      .then((s) => s?.currency && setCurrency(s.currency))
      .catch(() => {});
  }, []);

  useEffect(() => {
    let live = true;
    api('GET', `/contacts/${encodeURIComponent(id)}/history`)
      .then((r) => live && setHistory(r.items))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [id, rev]);

  useEffect(() => {
    if (contact) document.title = `${contact.display_name} · rapport`;
  }, [contact?.display_name]);

  // `l` logs, `m` writes a message (not while typing or in a dialog)
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target) || dialog) return;
      if (document.querySelector('dialog[open]')) return;
      if (e.key === 'l') {
        e.preventDefault();
        setDialog({ kind: 'log' });
      } else if (e.key === 'm') {
        e.preventDefault();
        setDialog({ kind: 'send', channel: 'sms' });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [dialog]);

  /* After a write: reload the contact and every section; say what the
   * rules changed. */
  const refresh = async (msg) => {
    const before = contact;
    const c = await loadContact();
    setRev((r) => r + 1);
    let note = msg || '';
    if (c && before) {
      const moved = PILLS.filter((f) => c[f] !== before[f]).map(
        (f) => `${label(f)} is now ${enumText(f, c[f])}.`
      );
      if (moved.length) note = `${note} ${moved.join(' ')}`.trim();
    }
    setFlash(note);
  };

  /* Saves one field (contact_fields.jsx): null, or the error to show at it. */
  const save = async (path, value) => {
    try {
      const before = contact;
      const c = await patchContact(contact.id, contact.version, patchOf(path, value));
      setContact(c);
      setRev((r) => r + 1);
      const moved = PILLS.filter((f) => f !== path && c[f] !== before[f]).map(
        (f) => `${label(f)} is now ${enumText(f, c[f])}.`
      );
      setFlash(['Saved.', ...moved].join(' '));
      return null;
    } catch (e) {
      if (e.status === 412) {
        await loadContact();
        setRev((r) => r + 1);
        return 'Changed elsewhere, reloaded: check the value and save again.';
      }
      return capital(plainMessage(e));
    }
  };

  if (error)
    return (
      <section class="page">
        <h1>{error.status === 404 ? 'Contact not found' : 'Contact'}</h1>
        <p class="error" role="alert">
          {error.status === 404 ? 'This contact does not exist or was erased.' : error.message}
        </p>
        <p>
          <Link href="/contacts">Back to contacts</Link>
        </p>
      </section>
    );
  if (!contact)
    return (
      <section class="page">
        <h1>Contact</h1>
        <p role="status">Loading…</p>
      </section>
    );

  const c = contact;
  const phone = c.phones?.[0]?.number;
  const smsBlock = channelBlock(c, 'sms');
  const emailBlock = channelBlock(c, 'email');
  const archived = c.archived_at && `archived ${fmtDate(c.archived_at)}`;
  const sub = [c.company, label(c.type), archived].filter(Boolean);
  return (
    <section class="page contact-page">
      <p class="small back">
        <Link href="/contacts">← Contacts</Link>
      </p>
      <header class="ch-head">
        <div class="ch-title">
          <h1>{c.display_name || '(no name)'}</h1>
          <p class="muted small">{sub.join(' · ')}</p>
          <div class="pills">
            {PILLS.map((f) => (
              <button
                type="button"
                key={f}
                class={`pill pill-${f} pill-${f}-${c[f]}`}
                aria-expanded={pill === f ? 'true' : 'false'}
                aria-controls={pill === f ? 'pill-history' : undefined}
                data-testid={`${f}-pill`}
                onClick={() => setPill(pill === f ? '' : f)}
              >
                <span class="pill-k">{label(f)}</span>{' '}
                <span class="pill-v">{enumText(f, c[f])}</span>
              </button>
            ))}
            <ScoreBadge score={c.score} />
            {c.overdue && <span class="tag overdue">overdue</span>}
          </div>
        </div>
        <div class="actions quick" aria-label="Quick actions" role="group">
          {phone ? (
            <a class="action" href={`tel:${phone}`} aria-label={`Call ${c.display_name}`}>
              Call
            </a>
          ) : (
            <span class="action disabled" aria-disabled="true" title="No phone number">
              Call
            </span>
          )}
          <button
            type="button"
            class="action"
            disabled={!!smsBlock}
            title={smsBlock || undefined}
            aria-label={smsBlock ? `Text (${smsBlock})` : `Text ${c.display_name}`}
            onClick={() => setDialog({ kind: 'send', channel: 'sms' })}
          >
            Text
          </button>
          <button
            type="button"
            class="action"
            disabled={!!emailBlock}
            title={emailBlock || undefined}
            aria-label={emailBlock ? `Email (${emailBlock})` : `Email ${c.display_name}`}
            onClick={() => setDialog({ kind: 'send', channel: 'email' })}
          >
            Email
          </button>
          <button
            type="button"
            class="action primary-action"
            aria-keyshortcuts="l"
            onClick={() => setDialog({ kind: 'log' })}
          >
            Log activity <kbd aria-hidden="true">L</kbd>
          </button>
        </div>
      </header>
      {pill && <PillHistory field={pill} rows={history} onClose={() => setPill('')} />}
      <p class="flash" role="status" aria-live="polite" data-testid="flash">
        {flash}
      </p>
      <div class="contact-layout">
        <div class="col">
          <ContactFields contact={c} onSave={save} user={user} />
          <Deals contactId={c.id} rev={rev} currency={currency} onChanged={refresh} />
          <ContactWorkflows contactId={c.id} rev={rev} onChanged={refresh} />
        </div>
        <div class="col">
          <ScoreCard contactId={c.id} rev={rev} />
          <ScoreChart contactId={c.id} rev={rev} />
          <Timeline contactId={c.id} rev={rev} currency={currency} />
        </div>
      </div>
      {dialog?.kind === 'log' && (
        <LogDialog
          contact={c}
          onClose={() => setDialog(null)}
          onLogged={(a) => {
            setDialog(null);
            refresh(`Logged the ${a.kind === 'sms' ? 'SMS' : label(a.kind).toLowerCase()}.`);
          }}
        />
      )}
      {dialog?.kind === 'send' && (
        <SendDialog
          contact={c}
          channel={dialog.channel}
          onClose={() => setDialog(null)}
          onSent={(m) => {
            setDialog(null);
            refresh(
              m.status === 'suppressed'
                ? `Not sent: ${m.reason || 'the contact opted out'}.`
                : `Message ${label(m.status).toLowerCase()} to ${m.to}.`
            );
          }}
        />
      )}
    </section>
  );
}
