import {
  CitizenStore,
  type CaseStorePort,
  type CitygridDatabase,
  type GroupCommitWriter,
} from '@citygrid/db';
import type { CaseBus } from '../live/case-bus.ts';
import type { AttachmentService } from '../services/attachment-service.ts';
import type { CaseService } from '../services/case-service.ts';
import type { Clock } from '../services/clock.ts';
import type { ReferenceService } from '../services/reference-service.ts';
import { CitizenService } from './citizen-service.ts';
import {
  createNotificationHook,
  HttpSmsProvider,
  NotificationSender,
  SinkSmsProvider,
  type HttpSmsGatewayConfig,
  type SenderOptions,
  type SmsProvider,
} from './notifications.ts';
import { CitizenLimits, DEFAULT_CITIZEN_LIMITS, type CitizenLimitsConfig } from './rate-limits.ts';

export type SmsConfig = { provider: 'sink' } | ({ provider: 'http' } & HttpSmsGatewayConfig);

export interface CitizenOptions {
  /** Public base URL of the site, for links in SMS (e.g. https://12319.xlht.gov.cn). */
  publicUrl?: string;
  sms?: SmsConfig;
  limits?: Partial<CitizenLimitsConfig>;
  /** `sqlite` (default): limits shared by every node on the database; `memory`: this process only. */
  limiterStore?: 'sqlite' | 'memory';
  sender?: SenderOptions;
  /** Provider override (tests). */
  smsProvider?: SmsProvider;
}

export interface CitizenChannel {
  store: CitizenStore;
  service: CitizenService;
  sender: NotificationSender;
  provider: SmsProvider;
}

/** Compose the citizen channel and register its outbox hook on the case store. */
export function createCitizenChannel(
  deps: {
    database: CitygridDatabase;
    /** The case store's group-commit writer: the sender's writes share its commits. */
    writer: GroupCommitWriter;
    caseStore: CaseStorePort;
    cases: CaseService;
    attachments: AttachmentService;
    reference: ReferenceService;
    bus: CaseBus;
    clock: Clock;
  },
  opts: CitizenOptions = {},
): CitizenChannel {
  const store = new CitizenStore(deps.database, deps.writer);
  deps.caseStore.addEventHook(
    createNotificationHook(deps.reference, deps.clock, (opts.publicUrl ?? '').replace(/\/$/, '')),
  );
  const sms = opts.sms ?? { provider: 'sink' };
  const provider =
    opts.smsProvider ??
    (sms.provider === 'http' ? new HttpSmsProvider(sms) : new SinkSmsProvider(store, deps.clock));
  const sender = new NotificationSender(store, provider, deps.clock, opts.sender);
  const limits = new CitizenLimits(
    { ...DEFAULT_CITIZEN_LIMITS, ...opts.limits },
    opts.limiterStore === 'memory' ? { kind: 'memory' } : { kind: 'sqlite', sqlite: deps.database.sqlite },
  );
  deps.attachments.addReferenceSource((sha) => store.caseNumbersWithPhoto(sha));
  const service = new CitizenService({ ...deps, citizens: store, limits, sender });
  // every committed event may have queued a message: ask the sender for a pass
  deps.bus.subscribe(() => sender.kick());
  return { store, service, sender, provider };
}

export * from './citizen-service.ts';
export * from './http-handler.ts';
export * from './notifications.ts';
export * from './photo-metadata.ts';
export * from './rate-limits.ts';
export * from './tracking-code.ts';
