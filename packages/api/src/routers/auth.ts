import { z } from 'zod';
import { SESSION_COOKIE } from '../context.ts';
import { authedProcedure, createTRPCRouter, publicProcedure } from '../trpc.ts';

export const authRouter = createTRPCRouter({
  login: publicProcedure
    .input(
      z.object({
        username: z.string().trim().min(1, 'enter your username').max(50),
        password: z.string().min(1, 'enter your password').max(200),
        /** A read-only, long-lived session for the command hall's wall display. */
        wall: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { user, token, csrfToken, maxAgeSeconds, kind } = await ctx.services.auth.login(
        input.username,
        input.password,
        ctx.request.ip,
        { wall: input.wall ?? false },
      );
      ctx.cookies.set(SESSION_COOKIE, token, { maxAgeSeconds, httpOnly: true });
      return { user, csrfToken, kind };
    }),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.auth.logout(ctx.session, ctx.request.ip);
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true };
  }),
  /** Who is logged in, with the CSRF token the client must echo on mutations. */
  me: publicProcedure.query(({ ctx }) =>
    ctx.session ? { user: ctx.session.user, csrfToken: ctx.session.csrfToken, kind: ctx.session.kind } : null,
  ),
});
