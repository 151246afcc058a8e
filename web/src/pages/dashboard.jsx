// Dashboard (issue 7): the reach-out list with one-click call, text and
// email, tasks due today, the rFactor gauge with its predictions, contacts
// by status and stage, stage averages and speed to lead. One call to
// GET /dashboard, then the reach-out contacts' phones and emails.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { Gauge } from '../gauge.jsx';
import {
  STAGES,
  STATUSES,
  ScoreBadge,
  fmtDuration,
  fmtMoney,
  fmtNum,
  fmtTime,
  label,
} from '../format.jsx';

const REASONS = {
  trend_rising: 'Trend rising',
  trend_falling: 'Trend falling',
  press: 'Press for agreement',
  overdue: 'Overdue',
};

/* Call, text and email links from a reach-out item's contact (its first
 * phone and email and the opt-outs come with the item). */
function ContactLinks({ contact }) {
  if (!contact) return null;
  const { phone, email } = contact;
  const name = contact.display_name;
  return (
    <span class="actions">
      {phone && (
        <a class="action" href={`tel:${phone}`} aria-label={`Call ${name}`}>
          Call
        </a>
      )}
      {phone && !contact.sms_opt_out && (
        <a class="action" href={`sms:${phone}`} aria-label={`Text ${name}`}>
          Text
        </a>
      )}
      {email && !contact.email_opt_out && (
        <a class="action" href={`mailto:${email}`} aria-label={`Email ${name}`}>
          Email
        </a>
      )}
    </span>
  );
}

function ReachOut({ items }) {
  const [filter, setFilter] = useState('');
  const shown = filter ? items.filter((i) => i.reason === filter) : items;
  return (
    <section class="card reach-out" aria-labelledby="reach-title">
      <div class="card-head">
        <h2 id="reach-title">Reach out</h2>
        <label class="inline">
          <span class="sr-only">Show</span>
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
            <option value="">All reasons</option>
            {Object.entries(REASONS).map(([k, v]) => (
              <option value={k}>{v}</option>
            ))}
          </select>
        </label>
      </div>
      {shown.length === 0 ? (
        <p class="muted">Nobody to reach out to right now.</p>
      ) : (
        <ul class="list" data-testid="reach-out-list">
          {shown.map((i) => (
            <li key={i.alert_id} class="reach-item">
              <div class="row">
                <Link href={`/contacts/${i.contact.id}`} class="name">
                  {i.contact.display_name}
                </Link>
                <ScoreBadge score={i.contact.score} />
                <span class={`reason reason-${i.reason}`}>{REASONS[i.reason] || label(i.reason)}</span>
              </div>
              <p class="detail">{i.detail}</p>
              <ContactLinks contact={i.contact} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Tasks({ initial }) {
  const [tasks, setTasks] = useState(initial);
  const [error, setError] = useState('');
  const toggle = async (t) => {
    setError('');
    try {
      const nt = await api('PATCH', `/tasks/${t.id}`, { body: { done: !t.done } });
      setTasks((ts) => ts.map((x) => (x.id === t.id ? nt : x)));
    } catch (e) {
      setError(e.message);
    }
  };
  return (
    <section class="card" aria-labelledby="tasks-title">
      <h2 id="tasks-title">Tasks due today</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {tasks.length === 0 ? (
        <p class="muted">Nothing due today.</p>
      ) : (
        <ul class="list tasks">
          {tasks.map((t) => (
            <li key={t.id} class={t.done ? 'done' : ''}>
              <label class="check">
                <input type="checkbox" checked={t.done} onChange={() => toggle(t)} />
                <span>
                  {t.title}
                  <span class="muted small">
                    {' '}
                    · {label(t.kind)} · {fmtTime(t.due_at)}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RFactor({ rf, currency }) {
  return (
    <section class="card rfactor" aria-labelledby="rf-title">
      <h2 id="rf-title">rFactor</h2>
      <Gauge value={rf.rfactor} max={10} label="rFactor" />
      <dl class="facts">
        <dt>Predicted transactions (12 months)</dt>
        <dd>
          {fmtNum(rf.predicted_transactions)}{' '}
          <span class="muted">
            [{fmtNum(rf.interval?.[0])} – {fmtNum(rf.interval?.[1])}]
          </span>
        </dd>
        <dt>Predicted revenue</dt>
        <dd>
          {fmtMoney(rf.predicted_revenue, currency)}{' '}
          <span class="muted">
            [{fmtMoney(rf.revenue_interval?.[0], currency)} –{' '}
            {fmtMoney(rf.revenue_interval?.[1], currency)}]
          </span>
        </dd>
        <dt>Eligible contacts</dt>
        <dd>{fmtNum(rf.eligible_contacts)}</dd>
      </dl>
      {!rf.calibrated && (
        <p class="muted small">Not yet calibrated on your own closed deals: using priors.</p>
      )}
    </section>
  );
}

function Bars({ title, id, counts, keys }) {
  const max = Math.max(1, ...keys.map((k) => counts[k] || 0));
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul class="bars">
        {keys.map((k) => (
          <li key={k}>
            <span class="bar-label">{label(k)}</span>
            <span class="bar-track" aria-hidden="true">
              <span class="bar" style={{ width: `${((counts[k] || 0) / max) * 100}%` }} />
            </span>
            <span class="bar-value">{counts[k] || 0}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function StageAverages({ sa }) {
  const st = sa?.stages || {};
  return (
    <section class="card" aria-labelledby="sa-title">
      <h2 id="sa-title">Stage averages</h2>
      <table class="compact">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Mean score</th>
            <th scope="col">Contacts</th>
          </tr>
        </thead>
        <tbody>
          {['aware', 'know', 'like', 'trust'].map((k) => (
            <tr key={k}>
              <th scope="row">{label(k)}</th>
              <td>{fmtNum(st[k]?.mean)}</td>
              <td>{st[k]?.count ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sa?.mid_range && (
        <p class="muted small">
          Clients' mid-range: {fmtNum(sa.mid_range.low)} – {fmtNum(sa.mid_range.high)}
        </p>
      )}
    </section>
  );
}

export function Dashboard() {
  const [d, setD] = useState(null);
  const [error, setError] = useState('');
  const [currency, setCurrency] = useState('USD');
  useEffect(() => {
    api('GET', '/dashboard')
      .then(setD)
      .catch((e) => e.status !== 401 && setError(e.message));
    api('GET', '/settings')
      .then((s) => s?.currency && setCurrency(s.currency))
      .catch(() => {});
  }, []);
  if (error)
    return (
      <section class="page">
        <h1>Dashboard</h1>
        <p class="error" role="alert">
          {error}
        </p>
      </section>
    );
  if (!d)
    return (
      <section class="page">
        <h1>Dashboard</h1>
        <p role="status">Loading…</p>
      </section>
    );
  const stl = d.speed_to_lead || {};
  return (
    <section class="page">
      <h1>Dashboard</h1>
      <div class="grid">
        <ReachOut items={d.reach_out || []} />
        <div class="col">
          <RFactor rf={d.rfactor} currency={currency} />
          <Tasks initial={d.tasks_due_today || []} />
        </div>
        <Bars title="Contacts by status" id="st-title" counts={d.counts.status} keys={STATUSES} />
        <Bars title="Contacts by stage" id="sg-title" counts={d.counts.stage} keys={STAGES} />
        <StageAverages sa={d.stage_averages} />
        <section class="card" aria-labelledby="stl-title">
          <h2 id="stl-title">Speed to lead</h2>
          <p class="big">{fmtDuration(stl.median_seconds)}</p>
          <p class="muted small">
            Median time to first reply over {stl.count || 0} new lead{stl.count === 1 ? '' : 's'}.
          </p>
          {d.pipeline && (
            <p class="small">
              Pipeline: {d.pipeline.open_deals} open deal{d.pipeline.open_deals === 1 ? '' : 's'},{' '}
              {fmtMoney(d.pipeline.open_value, currency)}
            </p>
          )}
        </section>
      </div>
    </section>
  );
}
