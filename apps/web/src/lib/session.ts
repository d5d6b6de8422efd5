import { useQuery } from '@tanstack/react-query';
import { useTRPC, type SessionUser } from './trpc';

/** The logged-in user (the shell renders screens only when there is one). */
export function useSessionUser(): SessionUser {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: Infinity });
  if (!me.data) throw new Error('no session');
  return me.data.user;
}
