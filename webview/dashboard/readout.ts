/**
 * A chart's hover readout: a uPlot plugin that, while the pointer is over the plot, shows the time under it and each
 * shown series' value there in the chart's unit (text only, in the hover widget's theme colours). It builds nothing
 * until the first hover, so a page's first paint does not pay for it.
 */
import type uPlot from 'uplot';
import { formatMeasure } from '../../src/shared/format';
import { element } from '../dom';

/** Pixels between the pointer and the readout. */
const OFFSET = 12;

/** The readout of a chart in `unit` whose series 1, 2, … are named `labels`. */
export function readoutPlugin(unit: string, labels: readonly string[]): uPlot.Plugin {
  let box: HTMLElement | undefined;
  const hide = () => box?.setAttribute('hidden', '');
  return {
    hooks: {
      setCursor: (plot) => {
        const { idx, left = -1 } = plot.cursor;
        if (idx === null || idx === undefined || left < 0) return hide();
        if (box === undefined) {
          box = element('div', 'readout');
          box.setAttribute('aria-hidden', 'true');
          plot.over.append(box);
        }
        const rows = plot.series.flatMap((series, index) => {
          const value = plot.data[index]?.[idx];
          if (index === 0 || !series.show || value === null || value === undefined) return [];
          return [element('div', undefined, `${labels[index - 1]} ${formatMeasure(value, unit)}`)];
        });
        const time = new Date(plot.data[0][idx]!).toLocaleTimeString();
        box.replaceChildren(element('div', 'readout-time', time), ...rows);
        if (rows.length === 0) box.append(element('div', undefined, 'no data'));
        box.removeAttribute('hidden');
        // Beside the pointer, on the side with room.
        const onRight = left < plot.over.clientWidth / 2;
        box.style.left = onRight ? `${left + OFFSET}px` : '';
        box.style.right = onRight ? '' : `${plot.over.clientWidth - left + OFFSET}px`;
      },
    },
  };
}
