// Workflows page: the runs of one workflow (GET /workflow-runs?workflow_id=
// &status=, newest first, by cursor): contact, status, started, the next
// step and when it is due, and a Stop button (DELETE /workflow-runs/{id}).
// Owners and admins list the account's runs; an agent picks one of its
// contacts (the API lists an agent's runs one contact at a time).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { fmtDate, fmtTime, label } from '../format.jsx';
import { ACTIONS } from './workflows_lib.js';
import { ContactPicker } from './workflows_preview.jsx';

const names = new Map(); // contact id -> display name (this page's cache)

async function contactNames(ids) {
  const missing = ids.filter((id) => !names.has(id));
  for (let i = 0; i < missing.length; i += 6) {
    await Promise.all(
      missing.slice(i, i + 6).map((id) =>
        api('GET', `/contacts/${id}`)
          .then((c) => names.set(id, c.display_name || '(no name)'))
          .catch(() => names.set(id, null))
      )
    );
  }
}

const when = (t) => (t ? `${fmtDate(t)} ${fmtTime(t)}` : '–');

export function Runs({ workflow, admin }) {
  const [status, setStatus] = useState('');
  const [contact, setContact] = useState(null);
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const canList = admin || contact;
  const query = { workflow_id: workflow.id, status, contact_id: contact?.id, limit: 50 };

  const load = async (more) => {
    setLoading(true);
    setError('');
    try {
      const r = await api('GET', '/workflow-runs', { query: more ? { ...query, cursor } : query });
      await contactNames([...new Set(r.items.map((x) => x.contact_id))]);
      setItems((xs) => (more ? [...xs, ...r.items] : r.items));
      setCursor(r.next_cursor);
    } catch (e) {
      setError(e.message);
    }
    setLoading(false);
  };
  useEffect(() => {
    if (canList) load(false);
    else setItems([]);
  }, [workflow.id, status, contact?.id]);

  const stop = async (run) => {
    setNote('');
    try {
      const r = await api('DELETE', `/workflow-runs/${run.id}`);
      setItems((xs) => xs.map((x) => (x.id === run.id ? r : x)));
      setNote(`Stopped the run of ${names.get(run.contact_id) || 'the contact'}.`);
    } catch (e) {
      setError(e.message);
    }
  };

  const nextStep = (run) => {
    if (!run.next_step) return '–';
    const st = workflow.steps[run.next_step.step];
    const what = st ? ACTIONS[st.action] || st.action : '';
    return (
      <>
        Step {run.next_step.step + 1}
        {what ? `: ${what}` : ''}
        <div class="muted small">due {when(run.next_step.due_at)}</div>
      </>
    );
  };

  return (
    <div class="wf-runs">
      <div class="toolbar">
        <div class="field">
          <label for="wf-run-status">Status</label>
          <select id="wf-run-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="completed">Completed</option>
            <option value="stopped">Stopped</option>
          </select>
        </div>
        {!admin && (
          <ContactPicker id="wf-run-contact" label="Runs of contact" value={contact} onChange={setContact} />
        )}
      </div>
      {!admin && !contact && <p class="muted">Choose one of your contacts to see its runs of this workflow.</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="muted small" role="status" aria-live="polite">
        {loading ? 'Loading…' : note}
      </p>
      {canList && (
        <div class="wf-table-box">
          <table class="wf-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Next step</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((run) => {
                const name = names.get(run.contact_id);
                return (
                  <tr key={run.id}>
                    <td>
                      {name === null ? (
                        <span class="muted">(hidden contact)</span>
                      ) : (
                        <Link href={`/contacts/${run.contact_id}`}>{name || run.contact_id}</Link>
                      )}
                    </td>
                    <td>
                      <span class={`tag wf-run-${run.status}`}>{label(run.status)}</span>
                      {run.stop_reason && <div class="muted small">{label(run.stop_reason)}</div>}
                    </td>
                    <td>{when(run.started_at)}</td>
                    <td>{nextStep(run)}</td>
                    <td>
                      {run.status === 'active' && (
                        <button type="button" class="secondary small-btn" aria-label={`Stop the run of ${name || 'this contact'}`} onClick={() => stop(run)}>
                          Stop
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canList && !loading && !items.length && !error && <p class="muted">No runs{status ? ` ${status}` : ''}.</p>}
      {cursor && (
        <p>
          <button type="button" class="secondary" onClick={() => load(true)} disabled={loading}>
            Load more
          </button>
        </p>
      )}
    </div>
  );
}
