// Workflows page: the editor of one workflow (/workflows/{id}, /workflows/new):
// name, switches, trigger event and filter rows, the steps (add, remove,
// move; timing, action and its params) with a live preview of each message
// for a chosen contact. Save is POST (new) or a merge PATCH; the API's
// validation error is shown at the field it names (steps[2].params.body).
// Owners and admins edit; others see it read-only (the preview still works).
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { navigate } from '../router.jsx';
import { STAGES, STATUSES, label } from '../format.jsx';
import {
  ACTIONS,
  ANCHORS,
  EVENTS,
  FILTER_KEYS,
  TASK_KINDS,
  VARIABLES,
  afterHint,
  bareMessage,
  emptyStep,
  formToJson,
  formToPatch,
  isMessage,
  newForm,
  relativeHint,
  stepOfField,
  stepSummary,
  workflowToForm,
} from './workflows_lib.js';
import { ContactPicker, StepPreview } from './workflows_preview.jsx';

/* The inline error of input `path` when the API's error names it. */
function FieldError({ error, path, id }) {
  if (!error || error.field !== path) return null;
  return (
    <p class="error small wf-field-error" id={id}>
      {bareMessage(error)}
    </p>
  );
}

/* Props that mark an input invalid and tie it to its error. */
const invalid = (error, path, errId) =>
  error && error.field === path ? { 'aria-invalid': 'true', 'aria-describedby': errId } : {};

function Text({ id, label: text, value, onInput, error, path, multiline, wide, hint, ...rest }) {
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : undefined;
  const inv = invalid(error, path, errId);
  if (hintId && !inv['aria-describedby']) inv['aria-describedby'] = hintId;
  else if (hintId) inv['aria-describedby'] = `${errId} ${hintId}`;
  return (
    <div class={multiline || wide ? 'field wf-wide' : 'field'}>
      <label for={id}>{text}</label>
      {multiline ? (
        <textarea id={id} rows={4} value={value} onInput={(e) => onInput(e.currentTarget.value)} {...inv} {...rest} />
      ) : (
        <input id={id} value={value} onInput={(e) => onInput(e.currentTarget.value)} {...inv} {...rest} />
      )}
      {hint && (
        <p class="muted small wf-hint" id={hintId}>
          {hint}
        </p>
      )}
      <FieldError error={error} path={path} id={errId} />
    </div>
  );
}

function Choice({ id, label: text, value, options, onChange, error, path }) {
  const errId = `${id}-err`;
  return (
    <div class="field">
      <label for={id}>{text}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)} {...invalid(error, path, errId)}>
        {options.map(([v, t]) => (
          <option value={v}>{t}</option>
        ))}
      </select>
      <FieldError error={error} path={path} id={errId} />
    </div>
  );
}

const opts = (xs) => xs.map((x) => [x, label(x)]);

function StepParams({ s, i, set, error }) {
  const p = s.params;
  const at = `steps[${i}].params`;
  const id = (k) => `st${s.uid}-${k}`;
  const setP = (k) => (v) => set({ ...s, params: { ...p, [k]: v } });
  switch (s.action) {
    case 'send_sms':
      return <Text id={id('body')} label="Message" multiline value={p.body} onInput={setP('body')} error={error} path={`${at}.body`} />;
    case 'send_email':
      return (
        <>
          <Text id={id('subject')} label="Subject" wide value={p.subject} onInput={setP('subject')} error={error} path={`${at}.subject`} />
          <Text id={id('body')} label="Message" multiline value={p.body} onInput={setP('body')} error={error} path={`${at}.body`} />
        </>
      );
    case 'notify':
      return (
        <>
          <Choice id={id('channel')} label="Notify by" value={p.channel} options={[['email', 'Email'], ['sms', 'SMS']]} onChange={setP('channel')} error={error} path={`${at}.channel`} />
          <Text id={id('body')} label="Message to the agent" multiline value={p.body} onInput={setP('body')} error={error} path={`${at}.body`} />
        </>
      );
    case 'create_task':
      return (
        <>
          <Text id={id('title')} label="Task title" wide value={p.title} onInput={setP('title')} error={error} path={`${at}.title`} />
          <Choice id={id('kind')} label="Kind" value={p.kind} options={opts(TASK_KINDS)} onChange={setP('kind')} error={error} path={`${at}.kind`} />
          <Text
            id={id('due')}
            label="Due after (optional)"
            value={p.due_in}
            onInput={setP('due_in')}
            error={error}
            path={`${at}.due_in`}
            placeholder="PT5M"
            hint={p.due_in.trim() ? afterHint(p.due_in, 1).replace('the previous step', 'the step runs') : 'Due when the step runs'}
          />
        </>
      );
    case 'set_status':
      return <Choice id={id('status')} label="New status" value={p.status} options={opts(STATUSES)} onChange={setP('status')} error={error} path={`${at}.status`} />;
    case 'set_stage':
      return <Choice id={id('stage')} label="New stage" value={p.stage} options={opts(STAGES)} onChange={setP('stage')} error={error} path={`${at}.stage`} />;
    case 'add_tag':
      return <Text id={id('tag')} label="Tag" value={p.tag} onInput={setP('tag')} error={error} path={`${at}.tag`} />;
    default:
      return null;
  }
}

function StepTiming({ s, i, set, error }) {
  const at = `steps[${i}]`;
  const id = (k) => `st${s.uid}-${k}`;
  const put = (k) => (v) => set({ ...s, [k]: v });
  return (
    <>
      <Choice
        id={id('timing')}
        label="When"
        value={s.timing}
        options={[
          ['after', i === 0 ? 'After the start' : 'After the previous step'],
          ['on', 'On a date and time'],
          ['relative', 'Relative to a date'],
        ]}
        onChange={put('timing')}
      />
      {s.timing === 'after' && (
        <Text id={id('after')} label="Wait (ISO 8601 duration)" value={s.after} onInput={put('after')} error={error} path={`${at}.after`} placeholder="P3D" hint={afterHint(s.after, i)} />
      )}
      {s.timing === 'on' && (
        <Text id={id('on')} label="On (your local time)" type="datetime-local" value={s.on} onInput={put('on')} error={error} path={`${at}.on`} />
      )}
      {s.timing === 'relative' && (
        <>
          <Choice id={id('anchor')} label="Relative to" value={s.relative_to} options={opts(ANCHORS)} onChange={put('relative_to')} error={error} path={`${at}.relative_to`} />
          <Text
            id={id('offset')}
            label="Offset (e.g. -P1D)"
            value={s.offset}
            onInput={put('offset')}
            error={error}
            path={`${at}.offset`}
            placeholder="P0D"
            hint={relativeHint(s.relative_to, s.offset, s.occurrence, s.at)}
          />
          {s.relative_to !== 'close_date' && (
            <>
              <Text id={id('occ')} label="Which one (1–10)" type="number" min="1" max="10" value={s.occurrence} onInput={put('occurrence')} error={error} path={`${at}.occurrence`} placeholder="1" />
              <Text id={id('at')} label="At (HH:MM, local)" value={s.at} onInput={put('at')} error={error} path={`${at}.at`} placeholder="10:00" />
            </>
          )}
        </>
      )}
    </>
  );
}

function Step({ s, i, n, set, move, remove, error, contact, canEdit }) {
  const [open, setOpen] = useState(n <= 8);
  const errHere = error && stepOfField(error.field) === i;
  const shown = open || errHere;
  const at = `steps[${i}]`;
  const headId = `st${s.uid}-head`;
  return (
    <li class={errHere ? 'wf-step bad' : 'wf-step'} aria-labelledby={headId}>
      <div class="wf-step-head">
        <button
          type="button"
          class="wf-step-toggle"
          id={headId}
          aria-expanded={shown ? 'true' : 'false'}
          onClick={() => setOpen(!shown)}
        >
          <span class="wf-step-n">Step {i + 1}</span> <span class="wf-step-sum">{stepSummary(s, i)}</span>
        </button>
        {canEdit && (
          <span class="wf-step-tools">
            <button type="button" class="secondary small-btn" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button type="button" class="secondary small-btn" aria-label={`Move step ${i + 1} down`} disabled={i === n - 1} onClick={() => move(i, 1)}>
              ↓
            </button>
            <button type="button" class="secondary small-btn danger" aria-label={`Remove step ${i + 1}`} disabled={n === 1} onClick={() => remove(i)}>
              ✕
            </button>
          </span>
        )}
      </div>
      {errHere && (error.field === at || error.field === `${at}.params`) && (
        <p class="error small" role="alert">
          {bareMessage(error)}
        </p>
      )}
      {shown && (
        <div class="wf-step-body">
          <div class="wf-grid">
            <StepTiming s={s} i={i} set={set} error={error} />
            <Choice
              id={`st${s.uid}-action`}
              label="Action"
              value={s.action}
              options={Object.entries(ACTIONS)}
              onChange={(v) => set({ ...s, action: v })}
              error={error}
              path={`${at}.action`}
            />
            {(s.action === 'send_sms' || s.action === 'send_email') && s.timing === 'after' && (
              <label class="check wf-check">
                <input type="checkbox" checked={s.any_time} onChange={(e) => set({ ...s, any_time: e.currentTarget.checked })} />
                Send at any time (not held to office hours)
              </label>
            )}
          </div>
          <div class="wf-grid">
            <StepParams s={s} i={i} set={set} error={error} />
          </div>
          {isMessage(s.action) && (
            <StepPreview
              n={i + 1}
              contact={contact}
              body={s.params.body}
              subject={s.action === 'send_email' ? s.params.subject : undefined}
            />
          )}
        </div>
      )}
    </li>
  );
}

function Filters({ rows, setRows, error }) {
  const put = (i, row) => setRows(rows.map((r, j) => (j === i ? row : r)));
  const used = new Set(rows.map((r) => r.key));
  return (
    <div class="wf-filters">
      <p class="muted small" id="wf-filter-help">
        Every row must match. Several values, separated by commas, match any of them. “to” is the event’s new value (the status or
        stage it changed to, the tag added).
      </p>
      {rows.length === 0 && <p class="muted small">No filter: the event starts the workflow for any contact.</p>}
      <ul class="wf-filter-rows">
        {rows.map((r, i) => {
          const path = `trigger.filter.${r.key}`;
          const err = error && (error.field === path || error.field?.startsWith(path + '[')) ? error : null;
          const errId = `wf-f${r.uid}-err`;
          return (
            <li key={r.uid} class="wf-filter-row">
              <div class="field">
                <label for={`wf-f${r.uid}-key`}>Field</label>
                <select id={`wf-f${r.uid}-key`} value={r.key} onChange={(e) => put(i, { ...r, key: e.currentTarget.value })}>
                  {FILTER_KEYS.filter((k) => k === r.key || !used.has(k)).map((k) => (
                    <option value={k}>{k}</option>
                  ))}
                </select>
              </div>
              <div class="field grow">
                <label for={`wf-f${r.uid}-val`}>Equals</label>
                <input
                  id={`wf-f${r.uid}-val`}
                  value={r.value}
                  onInput={(e) => put(i, { ...r, value: e.currentTarget.value })}
                  aria-describedby={err ? errId : 'wf-filter-help'}
                  aria-invalid={err ? 'true' : undefined}
                />
                {err && (
                  <p class="error small" id={errId}>
                    {bareMessage(err)}
                  </p>
                )}
              </div>
              <button type="button" class="secondary small-btn danger" aria-label={`Remove filter ${r.key}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                ✕
              </button>
            </li>
          );
        })}
      </ul>
      {rows.length < FILTER_KEYS.length && (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            const key = FILTER_KEYS.find((k) => !used.has(k));
            setRows([...rows, { uid: `f${Date.now()}${rows.length}`, key, value: '' }]);
          }}
        >
          Add filter
        </button>
      )}
    </div>
  );
}

/* The editor. stored: the workflow as the API gave it (null for a new
 * one); onSaved(w) gets the saved workflow. */
export function Editor({ stored, canEdit, onSaved }) {
  const [f, setF] = useState(() => (stored ? workflowToForm(stored) : newForm()));
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const [contact, setContact] = useState(null);
  const put = (k) => (v) => setF((o) => ({ ...o, [k]: v }));
  const setStep = (i) => (s) => setF((o) => ({ ...o, steps: o.steps.map((x, j) => (j === i ? s : x)) }));
  const move = (i, d) =>
    setF((o) => {
      const steps = [...o.steps];
      [steps[i], steps[i + d]] = [steps[i + d], steps[i]];
      return { ...o, steps };
    });
  const remove = (i) => setF((o) => ({ ...o, steps: o.steps.filter((_, j) => j !== i) }));
  const add = () => setF((o) => ({ ...o, steps: [...o.steps, emptyStep()] }));

  const save = async (e) => {
    e.preventDefault();
    if (!canEdit) return;
    setBusy(true);
    setError(null);
    setSaved('');
    try {
      const w = stored
        ? await api('PATCH', `/workflows/${stored.id}`, { body: formToPatch(f, stored) })
        : await api('POST', '/workflows', { body: formToJson(f) });
      setF(workflowToForm(w));
      setSaved(`Saved “${w.name}”.`);
      onSaved(w);
    } catch (err) {
      setError(err);
      // bring the field the API names into view
      setTimeout(() => {
        const el = document.querySelector('.wf-editor [aria-invalid="true"], .wf-step.bad');
        if (el) {
          el.scrollIntoView({ block: 'center' });
          if (el.focus) el.focus();
        }
      }, 0);
    }
    setBusy(false);
  };

  const del = async () => {
    if (!stored || !window.confirm(`Delete the workflow “${stored.name}”? Its active runs stop.`)) return;
    try {
      await api('DELETE', `/workflows/${stored.id}`);
      navigate('/workflows');
    } catch (err) {
      setError(err);
    }
  };

  const stepField = error && stepOfField(error.field) >= 0;
  return (
    <form class="wf-editor" onSubmit={save} noValidate aria-label="Workflow">
      {!canEdit && <p class="wf-note">Only owners and admins can change workflows. You can read this one and preview its messages.</p>}
      <fieldset class="card wf-section" disabled={!canEdit}>
        <legend class="sr-only">Workflow</legend>
        <div class="wf-grid">
          <Text id="wf-name" label="Name" value={f.name} onInput={put('name')} error={error} path="name" />
          <Choice id="wf-event" label="Trigger event" value={f.event} options={opts(EVENTS)} onChange={put('event')} error={error} path="trigger.event" />
        </div>
        <div class="wf-switches">
          <label class="check">
            <input type="checkbox" checked={f.enabled} onChange={(e) => put('enabled')(e.currentTarget.checked)} />
            Enabled
          </label>
          <label class="check">
            <input type="checkbox" checked={f.stop_on_reply} onChange={(e) => put('stop_on_reply')(e.currentTarget.checked)} />
            Stop when the contact replies
          </label>
        </div>
        <h2 class="wf-h">Filter</h2>
        <Filters rows={f.filters} setRows={put('filters')} error={error} />
      </fieldset>

      <section class="card wf-section" aria-labelledby="wf-steps-h">
        <div class="card-head">
          <h2 id="wf-steps-h">Steps ({f.steps.length})</h2>
        </div>
        <div class="wf-preview-pick">
          <ContactPicker id="wf-preview-contact" label="Preview messages for" value={contact} onChange={setContact} />
          <details class="wf-vars">
            <summary>Variables</summary>
            <p class="muted small">
              Write <code>{'{{first_name}}'}</code>, or <code>{'{{first_name|there}}'}</code> with a fallback for an empty value:
            </p>
            <p class="wf-var-list">
              {VARIABLES.map((v) => (
                <code key={v}>{`{{${v}}}`}</code>
              ))}
            </p>
          </details>
        </div>
        {error && error.field === 'steps' && (
          <p class="error" role="alert">
            {bareMessage(error)}
          </p>
        )}
        <fieldset class="wf-steps-fs" disabled={!canEdit}>
          <legend class="sr-only">Steps</legend>
          <ol class="wf-steps">
            {f.steps.map((s, i) => (
              <Step
                key={s.uid}
                s={s}
                i={i}
                n={f.steps.length}
                set={setStep(i)}
                move={move}
                remove={remove}
                error={error}
                contact={contact}
                canEdit={canEdit}
              />
            ))}
          </ol>
        </fieldset>
        {canEdit && (
          <button type="button" class="secondary" onClick={add} disabled={f.steps.length >= 64}>
            Add step
          </button>
        )}
      </section>

      <div class="wf-save-bar">
        {error && (
          <p class="error" role="alert">
            {stepField ? `Step ${stepOfField(error.field) + 1}: ` : ''}
            {error.message}
          </p>
        )}
        <p class="wf-saved" role="status" aria-live="polite">
          {saved}
        </p>
        {canEdit && (
          <div class="buttons">
            {stored && (
              <button type="button" class="secondary danger" onClick={del}>
                Delete workflow
              </button>
            )}
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Saving…' : stored ? 'Save workflow' : 'Create workflow'}
            </button>
          </div>
        )}
      </div>
    </form>
  );
}
