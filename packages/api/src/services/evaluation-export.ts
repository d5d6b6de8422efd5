import type { EvaluationFigures } from './dashboard-service.ts';
import { csvField } from './csv.ts';

const pct = (x: number | null) => (x === null ? '' : (x * 100).toFixed(1));
/** Formula-like text (=, +, -, @) is neutralised: a unit or cell name is data, never a formula. */
const cell = csvField;

/**
 * The evaluation table (综合考评) as CSV for Excel: UTF-8 with a byte-order mark so Excel reads the
 * Chinese correctly, CRLF line ends, rates in percent.
 */
export function evaluationToCsv(
  rows: readonly EvaluationFigures[],
  period: { from: string; to: string },
  groupLabel: string,
): string {
  const header = [
    groupLabel,
    '编码',
    '派遣数',
    '立案数',
    '处置数',
    '按期处置数',
    '结案数',
    '按期结案数',
    '返工数',
    '改派数',
    '超期未结',
    '结案率%',
    '按期结案率%',
    '按期处置率%',
    '返工率%',
    '准确派遣率%',
    '平均处置时长(小时)',
    '平均满意度',
  ];
  const lines = [
    `# 综合考评 ${period.from} — ${period.to}`,
    header.join(','),
    ...rows.map((r) =>
      [
        r.name ?? '（无）',
        r.key,
        r.dispatched,
        r.filed,
        r.disposed,
        r.disposedOnTime,
        r.closed,
        r.closedOnTime,
        r.reworked,
        r.redispatched,
        r.overdueOpen,
        pct(r.closeRate),
        pct(r.onTimeCloseRate),
        pct(r.onTimeDisposalRate),
        pct(r.reworkRate),
        pct(r.accurateDispatchRate),
        r.avgDisposalHours === null ? '' : r.avgDisposalHours.toFixed(1),
        r.avgSatisfaction === null ? '' : r.avgSatisfaction.toFixed(2),
      ]
        .map(cell)
        .join(','),
    ),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
