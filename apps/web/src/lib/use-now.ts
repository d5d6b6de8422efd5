import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`, so lights and countdowns keep ticking. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
