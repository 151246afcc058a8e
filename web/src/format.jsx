// Display helpers shared by the pages.
export const STATUSES = ['none', 'suspect', 'prospect', 'lead', 'client', 'past_client'];
export const STAGES = ['none', 'aware', 'know', 'like', 'trust'];
export const CATEGORIES = ['a', 'b', 'c', 'd', 'none'];
export const TYPES = ['client', 'agent', 'farm', 'personal', 'prospect', 'vendor', 'hidden'];

export const label = (s) =>
  s == null ? '' : String(s).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

const num = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
export const fmtNum = (n) => (n == null ? '–' : num.format(n));

export function fmtMoney(n, currency = 'USD') {
  if (n == null) return '–';
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(n);
  } catch {
    return num.format(n);
  }
}

export function fmtDuration(s) {
  if (s == null) return '–';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

export function fmtDate(t) {
  if (!t) return '';
  const d = new Date(t);
  return isNaN(d) ? t : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
}

export function fmtTime(t) {
  if (!t) return '';
  const d = new Date(t);
  return isNaN(d) ? t : d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/* The score band class of a 0..100 score (badge colours). */
export function scoreBand(s) {
  if (s == null) return 'none';
  if (s >= 60) return 'high';
  if (s >= 35) return 'mid';
  if (s >= 10) return 'low';
  return 'cold';
}

export function ScoreBadge({ score }) {
  return (
    <span class={`badge score-${scoreBand(score)}`} title="Relationship score (0–100)">
      <span class="sr-only">Score </span>
      {score == null ? '–' : Math.round(score)}
    </span>
  );
}
