/**
 * ECharts (the charting library Chinese dashboards use) through echarts-for-react, with only the
 * chart types and components the reports and the wall draw. Import this module lazily: it is a
 * chunk of its own, so the staff screens' bundle does not carry it.
 */
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

export default function EChart({
  option,
  className,
  testId,
}: {
  option: EChartsOption;
  className?: string;
  testId?: string;
}) {
  return (
    <div className={className} data-testid={testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        lazyUpdate
        opts={{ renderer: 'svg' }}
        style={{ width: '100%', height: '100%' }}
      />
    </div>
  );
}
