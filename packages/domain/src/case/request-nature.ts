/**
 * The nature of a request (诉求类型) an operator records for each call: the one list the intake form,
 * the API's schema and the Open311 mapping take it from.
 */
export const REQUEST_NATURES = ['complaint', 'enquiry', 'help', 'report', 'suggestion', 'praise'] as const;
export type RequestNature = (typeof REQUEST_NATURES)[number];
/** What a new intake form starts with: most hotline calls are complaints (投诉). */
export const DEFAULT_REQUEST_NATURE: RequestNature = 'complaint';
export const isRequestNature = (v: string): v is RequestNature =>
  (REQUEST_NATURES as readonly string[]).includes(v);
