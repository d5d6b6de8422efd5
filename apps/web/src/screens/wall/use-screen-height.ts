import { useEffect, useState } from 'react';

/** The screen's height in px, kept current on resize; the wall sizes its text and charts from it. */
export function useScreenHeight(): number {
  const [h, setH] = useState(() => window.innerHeight);
  useEffect(() => {
    const on = () => setH(window.innerHeight);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h;
}
