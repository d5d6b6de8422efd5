import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BREAKS, classLabel, RAMP, type CellMode } from './choropleth';

const LEGEND_KEY = 'citygrid.mapLegend';
/** The marker colours the legend explains (`markerClassOf`), each with its message. */
const MARKER_KEYS = ['green', 'yellow', 'red', 'grey', 'blue', 'parked'] as const;

/**
 * The legend over the map's bottom-left corner: the cell classes of the current mode and the marker
 * colours. Open by default, remembered per browser (a wall display can keep it folded). It never takes
 * the map's clicks (pointer-events: none), only its own toggle does.
 */
export function MapLegend({ mode }: { readonly mode: CellMode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(() => localStorage.getItem(LEGEND_KEY) !== 'closed');
  const toggle = () =>
    setOpen((was) => {
      localStorage.setItem(LEGEND_KEY, was ? 'closed' : 'open');
      return !was;
    });
  return (
    <div className={`map-overlay bottom-left legend${open ? '' : ' collapsed'}`} data-testid="legend">
      <button
        type="button"
        className="legend-toggle"
        aria-expanded={open}
        title={t(open ? 'map.legendHide' : 'map.legendShow')}
        onClick={toggle}
        data-testid="legend-toggle"
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {t('map.legend')} ·{' '}
        {t(mode === 'open' ? 'map.layerOpen' : 'map.layerOverdue')}
      </button>
      {open && (
        <div className="legend-body" data-testid="legend-body">
          <div className="legend-row">
            {BREAKS[mode].map((b, i) => (
              <span key={b} className="legend-item">
                <span className="swatch" style={{ background: RAMP[mode][i] }} />
                {classLabel(mode, i)}
              </span>
            ))}
          </div>
          <div className="legend-row">
            {MARKER_KEYS.map((k) => (
              <span key={k} className="legend-item">
                <span className={`dot marker-${k}`} />
                {k === 'parked' ? t('states.parked') : t(`lights.${k}`)}
              </span>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
