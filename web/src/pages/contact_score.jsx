// Contact page: the score card (SCORING.md): a bar per factor with
// "points / max" and the API's detail sentence, the decay line, the stage
// average and the stay-in-touch interval (A4); then the score-history
// chart (uPlot, loaded on first use so other pages do not carry it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ScoreBadge, fmtDate, fmtNum, label } from '../format.jsx';
import { fmtDay } from './contact_fields.jsx';
import 'uplot/dist/uPlot.min.css';

const two = (n) => (n == null ? '–' : Number(n).toFixed(2).replace(/\.?0+$/, '') || '0');

function decayText(d, lastTouch) {
  if (!d) return '';
  const n = d.months_inactive || 0;
  const since = lastTouch ? ` (last two-way contact ${fmtDate(lastTouch)})` : '';
  if (n === 0 && d.multiplier >= 1) return `No decay: active within the last two months${since}.`;
  const x = Number(d.multiplier).toFixed(2);
  const months = `${n} month${n === 1 ? '' : 's'}`;
  return `${months} inactive: ×${x}, −${fmtNum(d.points_lost)} points${since}.`;
}

export function ScoreCard({ contactId, rev }) {
  const [s, setS] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    api('GET', `/contacts/${contactId}/score`)
      .then((r) => live && (setS(r), setError('')))
      .catch((e) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [contactId, rev]);
  return (
    <section class="card score-card" aria-labelledby="score-title">
      <div class="card-head">
        <h2 id="score-title">Score</h2>
        {s && <ScoreBadge score={s.score} />}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!s && !error && <p class="muted">Loading…</p>}
      {s && (
        <>
          <ul class="factors" data-testid="score-factors">
            {s.factors.map((f) => {
              const pct = f.max > 0 ? Math.max(0, Math.min(100, (100 * f.points) / f.max)) : 0;
              return (
                <li key={f.name} class="factor">
                  <div class="factor-head">
                    <span class="factor-name">{label(f.name)}</span>
                    <span class="factor-points">
                      {two(f.points)} / {two(f.max)}
                    </span>
                  </div>
                  <span
                    class="bar-track"
                    role="meter"
                    aria-valuemin="0"
                    aria-valuemax={f.max}
                    aria-valuenow={f.points}
                    aria-label={`${label(f.name)}: ${two(f.points)} of ${two(f.max)} points`}
                  >
                    <span class="bar" style={{ width: pct + '%' }} />
                  </span>
                  <p class="factor-detail">{f.detail}</p>
                </li>
              );
            })}
          </ul>
          <p class="decay" data-testid="decay">
            {decayText(s.decay, s.last_touch_at)}
          </p>
          <p class="muted small">
            {s.stage_average != null && (
              <>
                Average of stage {label(s.stage)}: {fmtNum(s.stage_average)}.{' '}
              </>
            )}
            {s.interval_days != null && (
              <>
                Stay in touch every {Math.round(s.interval_days)} days
                {s.overdue ? ': overdue now.' : '.'}
              </>
            )}
          </p>
        </>
      )}
    </section>
  );
}

/* The daily score of the last 180 days as a line (GET score/history). */
export function ScoreChart({ contactId, rev }) {
  const box = useRef(null);
  const [items, setItems] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    const to = new Date();
    const from = new Date(to.getTime() - 180 * 86400e3);
    const day = (d) => d.toISOString().slice(0, 10);
    api('GET', `/contacts/${contactId}/score/history`, { query: { from: day(from), to: day(to) } })
      .then((r) => live && setItems(r.items))
      .catch((e) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [contactId, rev]);

  useEffect(() => {
    if (!items || items.length < 2 || !box.current) return;
    let plot = null;
    let ro = null;
    let gone = false;
    import('uplot').then(({ default: UPlot }) => {
      if (gone || !box.current) return;
      const el = box.current;
      const xs = items.map((i) => Date.parse(i.day + 'T12:00:00Z') / 1000);
      const ys = items.map((i) => i.score);
      const width = () => Math.max(200, el.clientWidth);
      plot = new UPlot(
        {
          width: width(),
          height: 180,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: {
            y: {
              range: (u, lo, hi) => [
                Math.max(0, Math.floor(lo - 5)),
                Math.min(100, Math.ceil(hi + 5)),
              ],
            },
          },
          axes: [{ stroke: '#4b5563' }, { stroke: '#4b5563', size: 40 }],
          series: [
            {},
            { label: 'Score', stroke: '#1d4ed8', width: 2, fill: 'rgba(29,78,216,0.08)' },
          ],
        },
        [xs, ys],
        el
      );
      ro = new ResizeObserver(() => plot && plot.setSize({ width: width(), height: 180 }));
      ro.observe(el);
    });
    return () => {
      gone = true;
      if (ro) ro.disconnect();
      if (plot) plot.destroy();
    };
  }, [items]);

  let summary = '';
  if (items && items.length) {
    const a = items[0];
    const b = items[items.length - 1];
    summary =
      `Score history: ${fmtNum(a.score)} on ${fmtDay(a.day)}, ` +
      `${fmtNum(b.score)} on ${fmtDay(b.day)}.`;
  }
  return (
    <section class="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Score history</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items && items.length < 2 && (
        <p class="muted">No score history yet: the daily job keeps one score a day.</p>
      )}
      {items && items.length >= 2 && (
        <>
          <div class="chart" ref={box} role="img" aria-label={summary} data-testid="score-chart" />
          <p class="muted small">{summary}</p>
        </>
      )}
    </section>
  );
}
