/** Pictures for the 11 hotline categories (inline SVG: no icon font, no emoji font needed). */
const PATHS: Record<string, string> = {
  // a tree
  landscaping: 'M12 2a6 6 0 0 0-6 6 5 5 0 0 0 2 9h3v5h2v-5h3a5 5 0 0 0 2-9 6 6 0 0 0-6-6z',
  // a leaf over a factory chimney
  environment: 'M3 21V11l5 3V11l5 3V6h3v15zM17 3c3 0 4 2 4 5-3 0-5-1-5-4z',
  // a rubbish bin
  sanitation: 'M9 3h6l1 2h4v2H4V5h4zM6 9h12l-1 12H7z',
  // buildings
  appearance:
    'M3 21V8l6-4v17zM11 21V2h10v19zM13 5v2h2V5zm4 0v2h2V5zm-4 4v2h2V9zm4 0v2h2V9zm-4 4v2h2v-2zm4 0v2h2v-2z',
  // a water drop
  water: 'M12 2s-7 8-7 13a7 7 0 0 0 14 0c0-5-7-13-7-13z',
  // a shed with a cross
  illegal_construction: 'M2 11 12 3l10 8h-3v10H5V11zm6 2 8 6m0-6-8 6',
  // a street lamp
  public_facilities: 'M11 22V9H7a4 4 0 0 1 8-3v3h-2v13zM5 10h5v2H5z',
  // a flame (heating)
  heating: 'M12 2c1 4 6 6 6 12a6 6 0 0 1-12 0c0-3 2-5 3-6 0 2 1 3 2 3 0-4 1-6 1-9z',
  // a traffic light
  traffic_order:
    'M8 2h8v20H8zM12 4.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 5.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 5.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4z',
  // a billboard
  advertising: 'M2 4h20v11H2zM7 15h2v7H7zm8 0h2v7h-2z',
  // a market stall
  market: 'M3 9 5 3h14l2 6a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 1-6 0zm1 3h16v9H4zm5 3v6h6v-6z',
};

export function CategoryIcon({ code }: { code: string }) {
  return (
    <svg className="cat-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d={PATHS[code] ?? 'M4 4h16v16H4z'}
        fill="currentColor"
        fillRule="evenodd"
        stroke={code === 'illegal_construction' ? 'currentColor' : 'none'}
        strokeWidth="0"
      />
    </svg>
  );
}
