/** What the browser tests put on, or read from, the page's window (never the app itself). */
interface AxeResult {
  violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
}

declare global {
  interface Window {
    /** Set before an action that must not reload the page; still there afterwards if it did not. */
    __sameDocument?: boolean;
    __same?: boolean;
    /** EventSources the page opened and has not closed (logout test). */
    __openEventSources?: () => number;
    /** Content-Security-Policy violations the page reported (tile tests). */
    __csp?: string[];
    /** axe-core, evaluated into the page by the accessibility checks. */
    axe?: { run(ctx: Document, options: unknown): Promise<AxeResult> };
  }
}

export {};
