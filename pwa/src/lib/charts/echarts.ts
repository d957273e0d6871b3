/**
 * ECharts as the dashboard uses it, and nothing more: the core, line and bar charts, the grid, tooltip and
 * legend, and the canvas renderer (`echarts/core` + parts keeps the lazy chunk a fraction of the full build).
 * Imported only by EChart.svelte, on demand.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { init };
