import { useTranslation } from 'react-i18next';

/** A 30-day intake bar chart in plain SVG (fixed viewBox: no layout shift on refresh). */
export function TrendChart({ data }: { data: Array<{ day: string; n: number }> }) {
  const { t } = useTranslation();
  const W = 300;
  const H = 90;
  const pad = { l: 24, r: 4, t: 8, b: 16 };
  const max = Math.max(1, ...data.map((d) => d.n));
  const bw = (W - pad.l - pad.r) / Math.max(1, data.length);
  const y = (n: number) => pad.t + (H - pad.t - pad.b) * (1 - n / max);
  const first = data[0]?.day.slice(5) ?? '';
  const last = data[data.length - 1]?.day.slice(5) ?? '';
  return (
    <svg
      className="trend"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={t('map.trend')}
      data-testid="trend-chart"
      preserveAspectRatio="none"
    >
      <line x1={pad.l} x2={W - pad.r} y1={H - pad.b} y2={H - pad.b} className="axis" />
      <text x={pad.l - 3} y={pad.t + 4} className="tick" textAnchor="end">
        {max}
      </text>
      <text x={pad.l - 3} y={H - pad.b} className="tick" textAnchor="end">
        0
      </text>
      {data.map((d, i) => (
        <rect
          key={d.day}
          x={pad.l + i * bw + 0.5}
          y={y(d.n)}
          width={Math.max(1, bw - 1.5)}
          height={H - pad.b - y(d.n)}
          className={i === data.length - 1 ? 'bar today' : 'bar'}
        >
          <title>{`${d.day}: ${d.n}`}</title>
        </rect>
      ))}
      <text x={pad.l} y={H - 3} className="tick">
        {first}
      </text>
      <text x={W - pad.r} y={H - 3} className="tick" textAnchor="end">
        {last}
      </text>
    </svg>
  );
}
