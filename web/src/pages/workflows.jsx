// Workflows page (issue 7): the list of the account's workflows (the eight
// built-ins included) with their trigger, an enabled switch, steps and
// active runs; /workflows/new and /workflows/{id} open the editor
// (workflows_editor.jsx, with a live preview of each message) and
// /workflows/{id}/runs its runs (workflows_runs.jsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link, navigate } from '../router.jsx';
import { label } from '../format.jsx';
import { Editor } from './workflows_editor.jsx';
import { Runs } from './workflows_runs.jsx';
import './workflows.css';

export const isAdmin = (user) => !!user && (user.role === 'owner' || user.role === 'admin');

export function Workflows({ path, user }) {
  const m = /^\/workflows\/([^/]+)(?:\/(runs))?\/?$/.exec(path);
  if (!m) return <List admin={isAdmin(user)} />;
  const id = decodeURIComponent(m[1]);
  if (id === 'new') return <WorkflowPage id={null} tab="editor" user={user} />;
  return <WorkflowPage key={id} id={id} tab={m[2] ? 'runs' : 'editor'} user={user} />;
}

/* Active runs per workflow id: pages of GET /workflow-runs?status=active
 * (owners and admins only; an agent lists one contact at a time). At most
 * 10 pages of 500; `more` is set when there were more. */
async function activeCounts() {
  const counts = {};
  let cursor;
  for (let page = 0; page < 10; page++) {
    const r = await api('GET', '/workflow-runs', { query: { status: 'active', limit: 500, cursor } });
    for (const run of r.items) counts[run.workflow_id] = (counts[run.workflow_id] || 0) + 1;
    cursor = r.next_cursor;
    if (!cursor) return { counts, more: false };
  }
  return { counts, more: true };
}

function filterText(filter) {
  const es = Object.entries(filter || {});
  if (!es.length) return '';
  return es.map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(' or ') : v}`).join(', ');
}

function List({ admin }) {
  const [items, setItems] = useState(null);
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    api('GET', '/workflows')
      .then((r) => setItems(r.items))
      .catch((e) => setError(e.message));
    if (admin)
      activeCounts()
        .then(setRuns)
        .catch(() => setRuns(null));
  }, [admin]);

  const toggle = async (w) => {
    setNote('');
    setError('');
    try {
      const nw = await api('PATCH', `/workflows/${w.id}`, { body: { enabled: !w.enabled } });
      setItems((xs) => xs.map((x) => (x.id === w.id ? nw : x)));
      setNote(`${nw.name} ${nw.enabled ? 'enabled' : 'disabled'}.`);
    } catch (e) {
      setError(e.message);
    }
  };

  return (
    <section class="page wf-page">
      <div class="page-head">
        <h1>Workflows</h1>
        {admin && (
          <button type="button" class="primary" onClick={() => navigate('/workflows/new')}>
            New workflow
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="muted small" role="status" aria-live="polite">
        {items ? note : 'Loading…'}
      </p>
      {items && (
        <div class="wf-table-box">
          <table class="wf-table" data-testid="workflows-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Trigger</th>
                <th scope="col">Enabled</th>
                <th scope="col">Steps</th>
                <th scope="col">Active runs</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id}>
                  <td class="wf-name">
                    <Link href={`/workflows/${w.id}`}>{w.name}</Link>
                    {w.builtin && <span class="tag">built-in</span>}
                  </td>
                  <td>
                    {label(w.trigger?.event)}
                    {filterText(w.trigger?.filter) && <div class="muted small">{filterText(w.trigger.filter)}</div>}
                  </td>
                  <td>
                    <label class="wf-switch">
                      <input
                        type="checkbox"
                        role="switch"
                        checked={w.enabled}
                        disabled={!admin}
                        aria-label={`${w.name} enabled`}
                        onChange={() => toggle(w)}
                      />
                      <span aria-hidden="true">{w.enabled ? 'On' : 'Off'}</span>
                    </label>
                  </td>
                  <td>{w.steps.length}</td>
                  <td>
                    {runs ? (
                      <Link href={`/workflows/${w.id}/runs`}>
                        {runs.counts[w.id] || 0}
                        {runs.more ? '+' : ''}
                        <span class="sr-only"> active runs of {w.name}</span>
                      </Link>
                    ) : (
                      <Link href={`/workflows/${w.id}/runs`}>Runs</Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items && !items.length && <p class="muted">No workflows yet.</p>}
    </section>
  );
}

function WorkflowPage({ id, tab, user }) {
  const admin = isAdmin(user);
  const [w, setW] = useState(id ? undefined : null); // undefined: loading
  const [error, setError] = useState('');
  const refs = useRef({});
  useEffect(() => {
    if (!id) return;
    api('GET', `/workflows/${encodeURIComponent(id)}`)
      .then(setW)
      .catch((e) => setError(e.status === 404 ? 'This workflow does not exist (it may have been deleted).' : e.message));
  }, [id]);

  const title = id ? (w ? w.name : 'Workflow') : 'New workflow';
  const head = (
    <>
      <p class="wf-back">
        <Link href="/workflows">← All workflows</Link>
      </p>
      <h1>{title}</h1>
    </>
  );
  if (error)
    return (
      <section class="page wf-page">
        {head}
        <p class="error" role="alert">
          {error}
        </p>
      </section>
    );
  if (w === undefined)
    return (
      <section class="page wf-page">
        {head}
        <p role="status">Loading…</p>
      </section>
    );
  if (!id)
    return (
      <section class="page wf-page">
        {head}
        <Editor stored={null} canEdit={admin} onSaved={(nw) => navigate(`/workflows/${nw.id}`, { replace: true })} />
      </section>
    );

  const tabs = [
    ['editor', 'Steps', `/workflows/${w.id}`],
    ['runs', 'Runs', `/workflows/${w.id}/runs`],
  ];
  const onKey = (e) => {
    const i = tabs.findIndex(([k]) => k === tab);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i + tabs.length - 1) % tabs.length;
    if (j < 0) return;
    e.preventDefault();
    navigate(tabs[j][2], { replace: true });
    setTimeout(() => refs.current[tabs[j][0]]?.focus(), 0);
  };
  return (
    <section class="page wf-page">
      {head}
      <p class="muted wf-sub">
        {label(w.trigger?.event)} · {w.steps.length} step{w.steps.length === 1 ? '' : 's'} · {w.enabled ? 'enabled' : 'disabled'}
        {w.builtin ? ' · built-in' : ''}
      </p>
      <div class="wf-tabs" role="tablist" aria-label="Workflow">
        {tabs.map(([k, name, href]) => (
          <button
            type="button"
            role="tab"
            id={`wf-tab-${k}`}
            ref={(el) => (refs.current[k] = el)}
            aria-selected={tab === k ? 'true' : 'false'}
            aria-controls="wf-panel"
            tabIndex={tab === k ? 0 : -1}
            onClick={() => navigate(href, { replace: true })}
            onKeyDown={onKey}
          >
            {name}
          </button>
        ))}
      </div>
      <div id="wf-panel" role="tabpanel" aria-labelledby={`wf-tab-${tab}`}>
        {/* the editor stays mounted behind the runs: unsaved edits survive a look at them */}
        <div hidden={tab === 'runs'}>
          <Editor stored={w} canEdit={admin} onSaved={setW} />
        </div>
        {tab === 'runs' && <Runs workflow={w} admin={admin} />}
      </div>
    </section>
  );
}
