import { useEffect, useMemo, useRef } from 'react';
import { useMap } from 'react-leaflet';
import { latLngBounds, type LatLngBounds } from 'leaflet';
import { useReference } from '../lib/reference';

/** The bounds of the whole grid (all community rings), for fitting maps at mount. */
export function useGridBounds(): LatLngBounds | null {
  const ref = useReference();
  return useMemo(() => {
    const pts = ref.data.communities.flatMap((c) => c.ring.map((p) => [p[1], p[0]] as [number, number]));
    return pts.length ? latLngBounds(pts) : null;
  }, [ref.data.communities]);
}

/** Keeps a map sized to its box; optionally re-fits the grid on every resize (until the user acts). */
export function FitOnResize({ bounds, refit }: { bounds: LatLngBounds | null; refit: boolean }) {
  const map = useMap();
  const refitRef = useRef(refit);
  useEffect(() => {
    refitRef.current = refit;
  }, [refit]);
  useEffect(() => {
    let fitting = false;
    let userActed = false;
    // once the user pans or zooms, a resize keeps their view instead of re-fitting the grid
    const acted = () => {
      if (!fitting) userActed = true;
    };
    map.on('dragstart', acted);
    map.on('zoomstart', acted);
    const ro = new ResizeObserver(() => {
      map.invalidateSize({ pan: false });
      if (refitRef.current && bounds && !userActed) {
        fitting = true;
        map.fitBounds(bounds, { padding: [16, 16], animate: false });
        fitting = false;
      }
    });
    ro.observe(map.getContainer());
    return () => {
      ro.disconnect();
      map.off('dragstart', acted);
      map.off('zoomstart', acted);
    };
  }, [map, bounds]);
  return null;
}
