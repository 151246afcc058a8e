// Workflows page helpers (pages/workflows*.jsx), no UI: the names of
// events, actions and filter keys (docs/workflows.md), a workflow's JSON
// to the editor's form and back (src/jobs/workflow_json.c reads it: each
// action's params exactly), human hints for ISO 8601 durations, and the
// merge patch a save sends.

export const EVENTS = [
  'contact_created',
  'lead_captured',
  'status_changed',
  'stage_changed',
  'tag_added',
  'deal_opened',
  'deal_closed',
  'trend_alert',
  'press_alert',
  'overdue',
  'manual',
];

export const ACTIONS = {
  send_sms: 'Send SMS',
  send_email: 'Send email',
  create_task: 'Create task',
  set_status: 'Set status',
  set_stage: 'Set stage',
  add_tag: 'Add tag',
  notify: 'Notify the agent',
};

/* Filter keys: contact fields, `tag` (the contact has it) and `to` (the
 * event's new value). */
export const FILTER_KEYS = ['to', 'status', 'stage', 'category', 'type', 'intent', 'source', 'owner_id', 'tag'];
export const ANCHORS = ['birthday', 'anniversary', 'close_date'];
export const TASK_KINDS = ['todo', 'call', 'email', 'sms'];

/* The variables a template may use (core/template.h rp_template_var_known). */
export const VARIABLES = [
  'first_name', 'last_name', 'display_name', 'email', 'phone', 'company', 'website',
  'address.street', 'address.city', 'address.region', 'address.postal_code', 'address.country',
  'birthday', 'anniversary', 'partner', 'children', 'pets', 'interests', 'status', 'stage',
  'category', 'type', 'intent', 'timeframe', 'budget', 'source', 'known_since',
  'last_purchase_date', 'last_sale_date', 'agent.name', 'agent.first_name', 'agent.phone',
  'agent.email', 'account.name', 'unsubscribe_url',
];

/* The actions whose text goes to a person and can be previewed. */
export const isMessage = (action) => action === 'send_sms' || action === 'send_email' || action === 'notify';

let uidSeq = 0;
const uid = () => `s${++uidSeq}`;

const pad = (n) => String(n).padStart(2, '0');
/* An RFC 3339 instant as a datetime-local value in the browser's zone. */
function toLocalInput(t) {
  const d = new Date(t);
  if (isNaN(d)) return t || '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/* Back to RFC 3339 UTC; text that is no date goes as is (the API names it). */
function fromLocalInput(v) {
  const d = new Date(v);
  return isNaN(d) ? v : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function emptyStep(action = 'send_sms') {
  return {
    uid: uid(),
    timing: 'after',
    after: 'P1D',
    on: '',
    relative_to: 'birthday',
    offset: '',
    occurrence: '',
    at: '',
    any_time: false,
    action,
    params: { body: '', subject: '', title: '', kind: 'todo', due_in: '', status: 'lead', stage: 'aware', tag: '', channel: 'email' },
  };
}

export function stepToForm(s) {
  const f = emptyStep(s.action);
  f.after = '';
  if (s.relative_to !== undefined) {
    f.timing = 'relative';
    f.relative_to = s.relative_to;
    f.offset = s.offset ?? '';
    f.occurrence = s.occurrence != null ? String(s.occurrence) : '';
    f.at = s.at ?? '';
  } else if (s.on !== undefined) {
    f.timing = 'on';
    f.on = toLocalInput(s.on);
  } else {
    f.after = s.after ?? '';
  }
  f.any_time = s.any_time === true;
  const p = s.params || {};
  for (const k of Object.keys(f.params)) if (typeof p[k] === 'string') f.params[k] = p[k];
  return f;
}

/* The step's JSON as workflow_json.c reads it: one timing, the action and
 * only its own params (required ones sent even when empty, so the API
 * names what is missing). */
export function stepToJson(f) {
  const s = {};
  if (f.timing === 'relative') {
    s.relative_to = f.relative_to;
    if (f.offset.trim()) s.offset = f.offset.trim();
    if (f.relative_to !== 'close_date') {
      if (String(f.occurrence).trim()) {
        const n = Number(f.occurrence);
        s.occurrence = Number.isInteger(n) ? n : f.occurrence;
      }
      if (f.at.trim()) s.at = f.at.trim();
    }
  } else if (f.timing === 'on') {
    s.on = fromLocalInput(f.on);
  } else if (f.after.trim()) {
    s.after = f.after.trim();
  }
  if (f.any_time) s.any_time = true;
  s.action = f.action;
  const p = f.params;
  switch (f.action) {
    case 'send_sms':
      s.params = { body: p.body };
      break;
    case 'send_email':
      s.params = { subject: p.subject, body: p.body };
      break;
    case 'create_task':
      s.params = { title: p.title, kind: p.kind || 'todo' };
      if (p.due_in.trim()) s.params.due_in = p.due_in.trim();
      break;
    case 'set_status':
      s.params = { status: p.status };
      break;
    case 'set_stage':
      s.params = { stage: p.stage };
      break;
    case 'add_tag':
      s.params = { tag: p.tag };
      break;
    case 'notify':
      s.params = { body: p.body, channel: p.channel || 'email' };
      break;
    default:
      s.params = {};
  }
  return s;
}

export function workflowToForm(w) {
  const filter = w.trigger?.filter || {};
  return {
    name: w.name || '',
    enabled: w.enabled !== false,
    stop_on_reply: w.stop_on_reply === true,
    event: w.trigger?.event || 'manual',
    filters: Object.entries(filter).map(([key, v]) => ({
      uid: uid(),
      key,
      value: Array.isArray(v) ? v.join(', ') : String(v),
    })),
    steps: (w.steps || []).map(stepToForm),
  };
}

export function newForm() {
  return { name: '', enabled: true, stop_on_reply: true, event: 'manual', filters: [], steps: [emptyStep()] };
}

/* "buy, buy_sell" -> ["buy", "buy_sell"]; one value stays a string. */
function filterValue(text) {
  const vs = text.split(',').map((s) => s.trim()).filter(Boolean);
  return vs.length === 1 ? vs[0] : vs.length ? vs : text;
}

/* The whole workflow object of a form (POST). */
export function formToJson(f) {
  const filter = {};
  for (const r of f.filters) if (r.key) filter[r.key] = filterValue(r.value);
  const trigger = { event: f.event };
  if (Object.keys(filter).length) trigger.filter = filter;
  return {
    name: f.name.trim(),
    enabled: f.enabled,
    stop_on_reply: f.stop_on_reply,
    trigger,
    steps: f.steps.map(stepToJson),
  };
}

/* The merge patch (RFC 7396) from the stored workflow to the form: steps
 * replace the list; a filter key the form dropped is sent as null. */
export function formToPatch(f, stored) {
  const body = formToJson(f);
  const old = stored.trigger?.filter || {};
  const filter = { ...(body.trigger.filter || {}) };
  for (const k of Object.keys(old)) if (!(k in filter)) filter[k] = null;
  body.trigger = { event: body.trigger.event, filter: Object.keys(filter).length ? filter : null };
  return body;
}

/* ---- durations ---- */

const DUR = /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;
const UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];

/* {sign, parts: [[n, unit]...]} of an ISO 8601 duration, or null. */
export function parseDuration(text) {
  const s = (text || '').trim();
  const m = DUR.exec(s);
  if (!m || /T$/i.test(s) || m.slice(2).every((x) => x === undefined)) return null;
  const parts = [];
  m.slice(2).forEach((x, i) => {
    if (x !== undefined && Number(x) !== 0) parts.push([Number(x), UNITS[i]]);
  });
  return { sign: m[1] === '-' ? -1 : 1, parts };
}

function joinParts(parts) {
  const words = parts.map(([n, u]) => `${n} ${u}${n === 1 ? '' : 's'}`);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words[0];
}

export const DURATION_HELP = 'Use an ISO 8601 duration: P3D is 3 days, PT5M 5 minutes, P1M 1 month.';

/* "3 days after the previous step" for an `after` value of step i. */
export function afterHint(text, i) {
  const from = i === 0 ? 'the workflow starts' : 'the previous step';
  if (!(text || '').trim()) return i === 0 ? 'At once when the workflow starts' : 'At once after the previous step';
  const d = parseDuration(text);
  if (!d || d.sign < 0) return `Not a duration. ${DURATION_HELP}`;
  if (!d.parts.length) return i === 0 ? 'At once when the workflow starts' : 'At once after the previous step';
  return `${joinParts(d.parts)} after ${from}`;
}

const ORD = (n) => {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
};

/* "1 day before the birthday, at 10:00" for a relative step. */
export function relativeHint(anchor, offset, occurrence, at) {
  const what = anchor === 'close_date' ? 'the close date' : `the ${anchor}`;
  let s;
  if (!(offset || '').trim()) s = `On ${what}`;
  else {
    const d = parseDuration(offset);
    if (!d) return `Not a duration. ${DURATION_HELP} A minus (-P1D) means before.`;
    s = d.parts.length ? `${joinParts(d.parts)} ${d.sign < 0 ? 'before' : 'after'} ${what}` : `On ${what}`;
  }
  if (anchor !== 'close_date') {
    const n = Number(occurrence);
    if (Number.isInteger(n) && n > 1) s += ` (the ${ORD(n)} one after the start)`;
    s += (at || '').trim() ? `, at ${at.trim()}` : ', when the office opens';
  }
  return s;
}

/* A one-line summary of a step for its collapsed header. */
export function stepSummary(f, i) {
  let when;
  if (f.timing === 'on') when = f.on ? `On ${f.on.replace('T', ' ')}` : 'On a date';
  else if (f.timing === 'relative') when = relativeHint(f.relative_to, f.offset, f.occurrence, f.at);
  else when = afterHint(f.after, i);
  return `${ACTIONS[f.action] || f.action} · ${when}`;
}

/* The step index an API error field names ("steps[2].params.body" -> 2). */
export function stepOfField(field) {
  const m = /^steps\[(\d+)\]/.exec(field || '');
  return m ? Number(m[1]) : -1;
}

/* The message of an ApiError without the "field: " prefix api.js adds. */
export function bareMessage(e) {
  if (!e) return '';
  const p = e.field ? `${e.field}: ` : '';
  return p && e.message.startsWith(p) ? e.message.slice(p.length) : e.message;
}
