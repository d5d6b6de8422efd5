import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import { debugState, type DebugMapName } from '../lib/debug';

/** Registers the surrounding Leaflet map under `name` in `window.__citygrid` while it is mounted. */
export function DebugMapHandle({ name }: { name: DebugMapName }) {
  const map = useMap();
  useEffect(() => {
    debugState.maps[name] = map;
    return () => {
      if (debugState.maps[name] === map) delete debugState.maps[name];
    };
  }, [map, name]);
  return null;
}
