import type { CaseStorePort, CitizenStorePort } from '@citygrid/db';
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
import {
  CitizenLimits,
  DEFAULT_CITIZEN_LIMITS,
  type CitizenLimiterStore,
  type CitizenLimitsConfig,
} from './rate-limits.ts';

export type SmsConfig = { provider: 'sink' } | ({ provider: 'http' } & HttpSmsGatewayConfig);

export interface CitizenOptions {
  /** Public base URL of the site, for links in SMS (e.g. https://12319.xlht.gov.cn). */
  publicUrl?: string;
  sms?: SmsConfig;
  limits?: Partial<CitizenLimitsConfig>;
  /**
   * `sqlite` (default): limits shared by every node on the database (the channel's `limiterStore`,
   * on whichever backend the database is); `memory`: this process only.
   */
  limiterStore?: 'sqlite' | 'memory';
  sender?: SenderOptions;
  /** Provider override (tests). */
  smsProvider?: SmsProvider;
}

export interface CitizenChannel {
  store: CitizenStorePort;
  service: CitizenService;
  sender: NotificationSender;
  provider: SmsProvider;
}

/** Compose the citizen channel and register its outbox hook on the case store. */
export function createCitizenChannel(
  deps: {
    /** The channel's rows (on SQLite built over the case store's writer, so the sender's writes share its commits). */
    citizens: CitizenStorePort;
    /** Where the shared rate-limit counters live (the database the nodes share). */
    limiterStore: CitizenLimiterStore;
    caseStore: CaseStorePort;
    cases: CaseService;
    attachments: AttachmentService;
    reference: ReferenceService;
    bus: CaseBus;
    clock: Clock;
  },
  opts: CitizenOptions = {},
): CitizenChannel {
  const store = deps.citizens;
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
    opts.limiterStore === 'memory' ? { kind: 'memory' } : deps.limiterStore,
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
