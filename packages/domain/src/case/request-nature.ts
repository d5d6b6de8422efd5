/** What the caller wants (来电性质): a complaint, a question, a request for help, a report, a suggestion or praise. */
export const REQUEST_NATURES = ['complaint', 'enquiry', 'help', 'report', 'suggestion', 'praise'] as const;
export type RequestNature = (typeof REQUEST_NATURES)[number];
