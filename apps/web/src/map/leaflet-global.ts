import L from 'leaflet';

// leaflet.markercluster is a UMD plugin that extends the global `L`; give it the same instance
// react-leaflet uses, before the plugin module is evaluated.
(globalThis as unknown as { L: typeof L }).L = L;
export default L;
