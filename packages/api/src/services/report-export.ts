import ExcelJS from 'exceljs';
import type { Report, ReportRow } from './report-service.ts';
import { csvDocument } from './csv.ts';

const KIND_ZH = { daily: '日报', weekly: '周报', monthly: '月报', custom: '统计报表' } as const;
const GROUP_ZH = { unit: '单位', community: '社区', category: '类别', cell: '网格' } as const;

/** Columns of the figures table: header, value, Excel number format. */
const COLUMNS: Array<{
  header: string;
  width: number;
  value: (r: ReportRow) => string | number | null;
  fmt?: string;
}> = [
  { header: '名称', width: 22, value: (r) => r.name ?? r.key ?? '（无）' },
  { header: '编码', width: 16, value: (r) => r.key ?? '' },
  { header: '应结案(派遣)', width: 12, value: (r) => r.dispatched },
  { header: '立案', width: 8, value: (r) => r.filed },
  { header: '处置', width: 8, value: (r) => r.disposed },
  { header: '结案', width: 8, value: (r) => r.closed },
  { header: '结案率', width: 9, value: (r) => r.closeRate, fmt: '0.0%' },
  { header: '按期结案率', width: 11, value: (r) => r.onTimeCloseRate, fmt: '0.0%' },
  { header: '按期处置率', width: 11, value: (r) => r.onTimeDisposalRate, fmt: '0.0%' },
  { header: '返工率', width: 9, value: (r) => r.reworkRate, fmt: '0.0%' },
  { header: '准确派遣率', width: 11, value: (r) => r.accurateDispatchRate, fmt: '0.0%' },
  { header: '超期未结', width: 9, value: (r) => r.overdueOpen },
  { header: '催办', width: 7, value: (r) => r.urged },
  { header: '督办', width: 7, value: (r) => r.escalated },
  {
    header: '平均满意度',
    width: 10,
    value: (r) => (r.avgSatisfaction === null ? null : Math.round(r.avgSatisfaction * 100) / 100),
    fmt: '0.00',
  },
  {
    header: '平均处置时长(小时)',
    width: 16,
    value: (r) => (r.avgDisposalHours === null ? null : Math.round(r.avgDisposalHours * 10) / 10),
    fmt: '0.0',
  },
  { header: '上期', width: 8, value: (r) => r.prevDispatched },
  { header: '环比', width: 9, value: (r) => r.mom, fmt: '+0.0%;-0.0%;0.0%' },
  { header: '去年同期', width: 9, value: (r) => r.yoyDispatched },
  { header: '同比', width: 9, value: (r) => r.yoy, fmt: '+0.0%;-0.0%;0.0%' },
];

export const reportTitle = (r: Report) =>
  `锡林浩特市数字城管${KIND_ZH[r.kind]}（按${GROUP_ZH[r.groupBy]}） ${r.period.label}`;
export const reportFileName = (r: Report, ext: 'xlsx' | 'csv') =>
  `report-${r.kind}-${r.groupBy}-${r.period.label.slice(0, 10)}.${ext}`;

/** The report as a real Excel workbook: a figures sheet, a daily intake sheet and a hotspots sheet. */
export async function reportToXlsx(r: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'citygrid';
  wb.created = new Date(r.generatedAt);
  const ws = wb.addWorksheet('考评', { views: [{ state: 'frozen', ySplit: 4 }] });
  ws.columns = COLUMNS.map((c) => ({ width: c.width }));
  ws.addRow([reportTitle(r)]).font = { bold: true, size: 14 };
  ws.addRow([
    `本期 ${r.period.label} · 上期 ${r.previous.label} · 去年同期 ${r.lastYear.label} · 生成 ${r.generatedAt}`,
  ]);
  ws.addRow([]);
  const head = ws.addRow(COLUMNS.map((c) => c.header));
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F3' } };
  const addFigures = (row: ReportRow, bold = false) => {
    const x = ws.addRow(COLUMNS.map((c) => c.value(row)));
    COLUMNS.forEach((c, i) => {
      if (c.fmt) x.getCell(i + 1).numFmt = c.fmt;
    });
    if (bold) x.font = { bold: true };
  };
  for (const row of r.rows) addFigures(row);
  addFigures(r.totals, true);

  const daily = wb.addWorksheet('每日受理');
  daily.columns = [
    { header: '日期', width: 12 },
    { header: '受理数', width: 10 },
  ];
  for (const d of r.daily) daily.addRow([d.day, d.n]);

  const hot = wb.addWorksheet('热点');
  hot.columns = [{ width: 8 }, { width: 18 }, { width: 24 }, { width: 10 }, { width: 10 }, { width: 10 }];
  hot.addRow([r.hotspotRule.zh]);
  hot.addRow(['类型', '编码', '名称', '本期', '历史均值', '标准差']).font = { bold: true };
  for (const h of r.hotspots)
    hot.addRow([h.kind === 'cell' ? '网格' : '小类', h.code, h.name, h.count, h.mean, h.sd]);
  if (r.hotspots.length === 0) hot.addRow(['（本期无热点）']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The figures table as CSV for Excel; formula-like text is neutralised (see `csvField`). */
export function reportToCsv(r: Report): string {
  const fmt = (v: string | number | null, c: (typeof COLUMNS)[number]) =>
    v === null ? '' : typeof v === 'number' && c.fmt?.includes('%') ? Math.round(v * 1000) / 10 : v;
  return csvDocument([
    [reportTitle(r)],
    COLUMNS.map((c) => (c.fmt?.includes('%') ? `${c.header}%` : c.header)),
    ...[...r.rows, r.totals].map((row) => COLUMNS.map((c) => fmt(c.value(row), c))),
  ]);
}
