export * from './roles.ts';
export * from './case-state.ts';
export * from './transitions.ts';
export * from './plan-intake.ts';
export * from './follow-ups.ts';
export * from './request-nature.ts';
export * from './build-action.ts';
