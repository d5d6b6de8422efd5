export { seedReferenceData, seedDemoUsers, DEMO_USERS, DEMO_PASSWORD, type DemoUser } from './reference.ts';
export { bulkSeedHistory, seedHistory, type HistoryOptions } from './history.ts';
