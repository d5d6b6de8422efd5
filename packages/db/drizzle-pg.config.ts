import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL schema's migrations (`pnpm --filter @citygrid/db generate:pg`); SQLite's are in drizzle.config.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/pg/schema.ts',
  out: './drizzle-pg',
  casing: 'snake_case',
});
