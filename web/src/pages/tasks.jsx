// Tasks (issue 7): tabs Due today / Overdue / Upcoming / Done (GET /tasks
// with due= or done=true), mine or everyone's, each task with its contact,
// kind and due time, a Done button (a call asks how it went: connected
// records an outbound call on the contact, docs/api.md Tasks), a snooze of
// one day, and the new-task form with a contact picker (GET /contacts?q=).
import { useEffect, useRef, useState } from 'preact/hooks';
import { FormDialog } from '../dialog.jsx';
import { api } from '../api.js';
import { Link, navigate, useLocation } from '../router.jsx';
import { fmtDate, fmtTime, label } from '../format.jsx';
import { getContacts, patchVersioned } from './pipeline_lib.js';
import './tasks.css';

const TABS = [
  ['today', 'Due today'],
  ['overdue', 'Overdue'],
  ['upcoming', 'Upcoming'],
  ['done', 'Done'],
];
const KINDS = ['call', 'email', 'sms', 'todo'];
const KIND_NAMES = { call: 'Call', email: 'Email', sms: 'Text', todo: 'To do' };
const CALL_OUTCOMES = [
  ['connected', 'Connected'],
  ['left_voicemail', 'Left voicemail'],
  ['no_answer', 'No answer'],
];
const DAY = 86400000;

const rfc3339 = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/* The value of a datetime-local input for a Date (local time). */
function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return `${day}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function sameDay(a, b) {
  return a.toDateString() === b.toDateString();
}

function dueText(t) {
  if (!t.due_at) return 'No due time';
  const d = new Date(t.due_at);
  const day = sameDay(d, new Date()) ? 'Today' : fmtDate(t.due_at);
  return `${day} ${fmtTime(t.due_at)}`;
}

function userName(u) {
  return u ? u.name || u.email : '';
}

/* Asks how a call went, then completes the task with that outcome. */
function OutcomeDialog({ task, onPick, onClose }) {
  const dlg = useRef(null);
  useEffect(() => {
    const d = dlg.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={dlg}
      class="dialog tk-outcome"
      aria-labelledby="tk-outcome-title"
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id="tk-outcome-title">How did the call go?</h2>
      <p class="muted">{task.title}</p>
      <div class="tk-outcomes">
        {CALL_OUTCOMES.map(([v, t]) => (
          <button type="button" class="secondary" onClick={() => onPick(v)}>
            {t}
          </button>
        ))}
      </div>
      <div class="buttons">
        <button type="button" class="link-button" onClick={() => dlg.current.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

function TaskItem(props) {
  const { task, contact, assignee, showAssignee, tab, busy, onDone, onSnooze, onReopen } = props;
  return (
    <li class={'tk-item' + (task.done ? ' done' : '')} data-task-id={task.id}>
      <div class="tk-main">
        <span class={`tk-kind tk-kind-${task.kind}`}>
          {KIND_NAMES[task.kind] || label(task.kind)}
        </span>
        <span class="tk-title">{task.title}</span>
        <div class="muted small tk-meta">
          {task.contact_id && (
            <>
              <Link href={`/contacts/${task.contact_id}`}>
                {contact?.display_name || 'Contact'}
              </Link>
              {' · '}
            </>
          )}
          {tab === 'done' ? (
            <>
              Done {fmtDate(task.done_at)} {fmtTime(task.done_at)}
              {task.outcome && <> · {label(task.outcome)}</>}
            </>
          ) : (
            <span class={tab === 'overdue' ? 'tk-late' : ''}>{dueText(task)}</span>
          )}
          {showAssignee && <> · {assignee ? userName(assignee) : 'Unassigned'}</>}
        </div>
      </div>
      <div class="tk-actions">
        {tab === 'done' ? (
          <button type="button" class="secondary" disabled={busy} onClick={() => onReopen(task)}>
            Reopen<span class="sr-only"> {task.title}</span>
          </button>
        ) : (
          <>
            <button type="button" class="secondary" disabled={busy} onClick={() => onSnooze(task)}>
              Snooze 1 day<span class="sr-only"> {task.title}</span>
            </button>
            <button type="button" class="primary" disabled={busy} onClick={() => onDone(task)}>
              Done<span class="sr-only"> {task.title}</span>
            </button>
          </>
        )}
      </div>
    </li>
  );
}

export function Tasks({ user }) {
  const path = useLocation();
  const tab = TABS.find(([k]) => path === `/tasks/${k}`)?.[0] || 'today';
  const [mine, setMine] = useState(true);
  const [items, setItems] = useState(null);
  const [total, setTotal] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [contacts, setContacts] = useState({});
  const [users, setUsers] = useState(user ? [user] : []);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState({});
  const [asking, setAsking] = useState(null); // the call task whose outcome is asked
  const [creating, setCreating] = useState(false);
  const [tick, setTick] = useState(0);
  const tabRefs = useRef({});

  useEffect(() => {
    // owners and admins may list the users; others assign to themselves
    if (!user || (user.role !== 'owner' && user.role !== 'admin')) return;
    api('GET', '/users', { query: { limit: 500 } })
      .then((r) => r && r.items && r.items.length && setUsers(r.items))
      .catch(() => {});
  }, []);

  const query = () => ({
    ...(tab === 'done' ? { done: 'true' } : { due: tab }),
    assignee_id: mine && user ? user.id : '',
    count: 'true',
    limit: 50,
  });

  useEffect(() => {
    const ctl = new AbortController();
    setError('');
    setItems(null);
    api('GET', '/tasks', { query: query(), signal: ctl.signal })
      .then(async (r) => {
        const cs = await getContacts(r.items.map((t) => t.contact_id));
        if (ctl.signal.aborted) return;
        setContacts(cs);
        setItems(r.items);
        setTotal(r.total ?? null);
        setCursor(r.next_cursor);
      })
      .catch((e) => {
        if (e.name === 'AbortError' || e.status === 401) return;
        setError(e.message);
        setItems([]);
      });
    return () => ctl.abort();
  }, [tab, mine, tick]);

  const more = async () => {
    try {
      const r = await api('GET', '/tasks', { query: { ...query(), count: '', cursor } });
      const cs = await getContacts(r.items.map((t) => t.contact_id));
      setContacts((m) => ({ ...m, ...cs }));
      setItems((xs) => [...xs, ...r.items]);
      setCursor(r.next_cursor);
    } catch (e) {
      setError(e.message);
    }
  };

  /* PATCHes a task; on success it leaves this tab's list (it no longer
   * matches it) and `say` tells what happened. */
  const update = async (task, body, say) => {
    setBusy((m) => ({ ...m, [task.id]: true }));
    setError('');
    try {
      await patchVersioned(`/tasks/${encodeURIComponent(task.id)}`, task.version, body);
      setItems((xs) => xs.filter((x) => x.id !== task.id));
      setTotal((n) => (n == null ? n : n - 1));
      setNote(say);
    } catch (e) {
      if (e.status === 401) return;
      if (e.status === 412) {
        setError(`“${task.title}” was changed elsewhere; the list has been reloaded.`);
        setTick((t) => t + 1);
      } else setError(`Could not update “${task.title}”: ${e.message}`);
    }
    setBusy((m) => {
      const n = { ...m };
      delete n[task.id];
      return n;
    });
  };

  const complete = (task, outcome) => {
    const body = outcome ? { done: true, outcome } : { done: true };
    const who = contacts[task.contact_id]?.display_name;
    let say = `Done: ${task.title}.`;
    if (outcome === 'connected' && who) say = `Done: ${task.title}. A call with ${who} was logged.`;
    else if (outcome) say = `Done: ${task.title} (${label(outcome)}).`;
    return update(task, body, say);
  };
  const onDone = (task) => (task.kind === 'call' ? setAsking(task) : complete(task, null));
  const onSnooze = (task) => {
    const base = task.due_at ? new Date(task.due_at).getTime() : Date.now();
    let when = base + DAY;
    if (when < Date.now()) when = Date.now() + DAY; // an old task: a day from now
    update(
      task,
      { due_at: rfc3339(new Date(when)) },
      `Snoozed “${task.title}” to ${fmtDate(when)} ${fmtTime(when)}.`
    );
  };
  const onReopen = (task) => update(task, { done: false }, `Reopened “${task.title}”.`);

  const go = (k) => navigate(k === 'today' ? '/tasks' : `/tasks/${k}`, { replace: true });
  const onTabKey = (e) => {
    const i = TABS.findIndex(([k]) => k === tab);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') j = (i + TABS.length - 1) % TABS.length;
    if (j < 0) return;
    e.preventDefault();
    go(TABS[j][0]);
    tabRefs.current[TABS[j][0]]?.focus();
  };
  const userById = Object.fromEntries(users.map((u) => [u.id, u]));

  return (
    <section class="page tasks-page">
      <div class="page-head">
        <h1>Tasks</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          New task
        </button>
      </div>
      <div class="tk-bar">
        <div class="tk-tabs" role="tablist" aria-label="Which tasks">
          {TABS.map(([k, t]) => (
            <button
              type="button"
              role="tab"
              id={`tk-tab-${k}`}
              ref={(el) => (tabRefs.current[k] = el)}
              aria-selected={tab === k ? 'true' : 'false'}
              aria-controls="tk-panel"
              tabIndex={tab === k ? 0 : -1}
              onClick={() => go(k)}
              onKeyDown={onTabKey}
            >
              {t}
            </button>
          ))}
        </div>
        <fieldset class="tk-scope">
          <legend class="sr-only">Whose tasks</legend>
          <label class="check">
            <input type="radio" name="tk-scope" checked={mine} onChange={() => setMine(true)} />
            Mine
          </label>
          <label class="check">
            <input type="radio" name="tk-scope" checked={!mine} onChange={() => setMine(false)} />
            Everyone's
          </label>
        </fieldset>
      </div>
      <div id="tk-panel" role="tabpanel" aria-labelledby={`tk-tab-${tab}`}>
        <p class="tk-note" role="status" aria-live="polite">
          {note}
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {items === null ? (
          <p class="muted">Loading…</p>
        ) : items.length === 0 ? (
          <p class="muted">
            {tab === 'done'
              ? 'No tasks done yet.'
              : tab === 'overdue'
                ? 'Nothing overdue.'
                : 'Nothing here.'}
          </p>
        ) : (
          <>
            {total != null && (
              <p class="muted small">
                {total} task{total === 1 ? '' : 's'}
              </p>
            )}
            <ul class="tk-list" data-testid="task-list">
              {items.map((t) => (
                <TaskItem
                  key={t.id}
                  task={t}
                  tab={tab}
                  contact={contacts[t.contact_id]}
                  assignee={userById[t.assignee_id]}
                  showAssignee={!mine}
                  busy={!!busy[t.id]}
                  onDone={onDone}
                  onSnooze={onSnooze}
                  onReopen={onReopen}
                />
              ))}
            </ul>
          </>
        )}
        {cursor && items && (
          <p>
            <button type="button" class="secondary" onClick={more}>
              Load more
            </button>
          </p>
        )}
      </div>
      {asking && (
        <OutcomeDialog
          task={asking}
          onClose={() => setAsking(null)}
          onPick={(o) => {
            const t = asking;
            setAsking(null);
            complete(t, o);
          }}
        />
      )}
      {creating && (
        <NewTask
          user={user}
          users={users}
          onClose={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            const due = t.due_at ? `, due ${dueText(t).replace(/^Today/, 'today')}` : '';
            setNote(`Created “${t.title}”${due}.`);
            setTick((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}

/* Search contacts by name (GET /contacts?q=) and pick one. */
function ContactPicker({ value, onChange, invalid }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [searching, setSearching] = useState(false);
  useEffect(() => {
    const s = q.trim();
    if (!s) {
      setFound([]);
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      setSearching(true);
      api('GET', '/contacts', { query: { q: s, limit: 8 }, signal: ctl.signal })
        .then((r) => {
          setFound(r.items);
          setSearching(false);
        })
        .catch((e) => e.name !== 'AbortError' && setSearching(false));
    }, 200);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [q]);
  if (value)
    return (
      <div class="field">
        <span class="tk-label" id="nt-contact-label">
          Contact
        </span>
        <p class="tk-picked">
          <strong>{value.display_name}</strong>{' '}
          <button type="button" class="link-button" onClick={() => onChange(null)}>
            Change<span class="sr-only"> contact</span>
          </button>
        </p>
      </div>
    );
  return (
    <div class="field tk-picker">
      <label for="nt-contact">Contact (search by name)</label>
      <input
        id="nt-contact"
        type="search"
        autocomplete="off"
        value={q}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby="nt-contact-count"
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      <span id="nt-contact-count" class="sr-only" aria-live="polite">
        {q.trim() && !searching ? `${found.length} contacts found` : ''}
      </span>
      {found.length > 0 && (
        <ul class="tk-found" aria-label="Matching contacts">
          {found.map((c) => (
            <li key={c.id}>
              <button type="button" class="link-button" onClick={() => onChange(c)}>
                {c.display_name}
                {c.emails?.[0]?.address && (
                  <span class="muted small"> · {c.emails[0].address}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {q.trim() && !searching && found.length === 0 && (
        <span class="muted small">No contact found.</span>
      )}
    </div>
  );
}

function NewTask({ user, users, onClose, onCreated }) {
  const inOneHour = new Date(Date.now() + 3600000);
  inOneHour.setMinutes(0, 0, 0);
  const [v, setV] = useState({
    title: '',
    kind: 'call',
    due: localInput(inOneHour),
    assignee: user ? user.id : '',
  });
  const [contact, setContact] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    if (!v.title.trim()) {
      setError({ field: 'title', message: 'title: give the task a title' });
      return;
    }
    const body = { title: v.title.trim(), kind: v.kind };
    if (v.due) {
      const d = new Date(v.due);
      if (isNaN(d)) {
        setError({ field: 'due_at', message: 'due_at: not a date and time' });
        return;
      }
      body.due_at = rfc3339(d);
    } else body.due_at = null;
    if (contact) body.contact_id = contact.id;
    body.assignee_id = v.assignee || null;
    setBusy(true);
    setError(null);
    try {
      onCreated(await api('POST', '/tasks', { body }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const bad = (k) => (error && error.field && error.field.startsWith(k) ? 'true' : undefined);
  return (
    <FormDialog
      id="nt-title"
      title="New task"
      onClose={onClose}
      onSubmit={submit}
      error={error}
      busy={busy}
      submitLabel="Create task"
    >
        <div class="form-grid">
          <div class="field tk-wide">
            <label for="nt-name">Title</label>
            <input
              id="nt-name"
              value={v.title}
              maxLength={500}
              onInput={set('title')}
              aria-invalid={bad('title')}
            />
          </div>
          <div class="field">
            <label for="nt-kind">Kind</label>
            <select id="nt-kind" value={v.kind} onChange={set('kind')}>
              {KINDS.map((k) => (
                <option value={k}>{KIND_NAMES[k]}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="nt-due">Due</label>
            <input
              id="nt-due"
              type="datetime-local"
              value={v.due}
              onInput={set('due')}
              aria-invalid={bad('due_at')}
            />
          </div>
          <ContactPicker value={contact} onChange={setContact} invalid={!!bad('contact_id')} />
          <div class="field">
            <label for="nt-assignee">Assignee</label>
            <select
              id="nt-assignee"
              value={v.assignee}
              onChange={set('assignee')}
              aria-invalid={bad('assignee_id')}
            >
              {users.map((u) => (
                <option value={u.id}>
                  {userName(u)}
                  {user && u.id === user.id ? ' (me)' : ''}
                </option>
              ))}
              <option value="">Nobody</option>
            </select>
          </div>
        </div>
    </FormDialog>
  );
}
