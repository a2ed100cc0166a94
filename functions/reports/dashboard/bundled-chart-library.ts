// ECharts as text inside a Lambda bundle (esbuild's `type: 'text'` import attribute), so rendering a
// dashboard never reads node_modules, which a bundled function does not have. Imported for its effect
// by Lambda entries only; Node cannot import a text module, and locally the library is read from disk.
import library from 'echarts/dist/echarts.min.js' with { type: 'text' };
import { provideChartLibrarySource } from './chart-runtime.ts';

provideChartLibrarySource(library);
