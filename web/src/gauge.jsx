// A semicircular SVG gauge from 0 to max (the rFactor's 0..10).
const R = 80;
const CX = 100;
const CY = 95;

function point(frac) {
  const a = Math.PI * (1 - frac);
  return [CX + R * Math.cos(a), CY - R * Math.sin(a)];
}

export function Gauge({ value, max = 10, label }) {
  const v = Math.max(0, Math.min(max, Number(value) || 0));
  const frac = v / max;
  const [x0, y0] = point(0);
  const [x1, y1] = point(1);
  const [xv, yv] = point(frac);
  return (
    <svg
      class="gauge"
      viewBox="0 0 200 115"
      role="img"
      aria-label={`${label}: ${value == null ? 'unknown' : v.toFixed(1)} out of ${max}`}
      data-testid="rfactor-gauge"
    >
      <path d={`M${x0},${y0} A${R},${R} 0 0 1 ${x1},${y1}`} class="gauge-track" />
      {frac > 0 && (
        <path d={`M${x0},${y0} A${R},${R} 0 0 1 ${xv.toFixed(2)},${yv.toFixed(2)}`} class="gauge-fill" />
      )}
      <text x={CX} y={CY - 10} text-anchor="middle" class="gauge-value">
        {value == null ? '–' : v.toFixed(1)}
      </text>
      <text x={x0} y={CY + 16} text-anchor="middle" class="gauge-tick">
        0
      </text>
      <text x={x1} y={CY + 16} text-anchor="middle" class="gauge-tick">
        {max}
      </text>
    </svg>
  );
}
