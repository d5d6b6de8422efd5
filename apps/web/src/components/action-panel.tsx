import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { attachmentUrl, uploadAttachment } from '../lib/attachments';
import { useReference } from '../lib/reference';
import { actionRequires } from '@citygrid/domain';
import {
  fieldErrors,
  isConflict,
  useTRPC,
  type ActionPayload,
  type ActionType,
  type CaseView,
} from '../lib/trpc';
import { useLocalName } from '../i18n';
import { useFieldErrorText } from '../lib/i18n-errors';
import { useErrorText } from './status';

/** What each action needs from the user: the domain's transitions table (`requires`). */
const needsReason = (type: ActionType) => actionRequires(type, 'reason');
const needsUnit = (type: ActionType) => actionRequires(type, 'unitCode');
/** Primary actions are shown as filled buttons. */
const PRIMARY: ReadonlySet<ActionType> = new Set([
  'accept',
  'report_disposal',
  'file',
  'dispatch',
  'close',
  'approve_return',
  'approve_extension',
  'approve_park',
  'callback',
  'resume',
]);

interface FormFields {
  reason: string;
  note: string;
  amount: string;
  unitCode: string;
  target: string;
  attachments: string[];
  satisfaction: number;
}

/** The `cases.act` payload for an action from the form's fields; null for actions no person sends. */
function buildAction(type: ActionType, f: FormFields): ActionPayload | null {
  const reason = f.reason.trim();
  const note = f.note.trim() || undefined;
  switch (type) {
    case 'void':
    case 'request_return':
    case 'refuse_return':
    case 'refuse_extension':
    case 'request_park':
    case 'refuse_park':
    case 'rework':
    case 'urge':
    case 'escalate':
      return { type, reason };
    case 'redispatch':
      return { type, reason, unitCode: f.unitCode };
    case 'request_extension':
      return { type, reason, amount: Number(f.amount) };
    case 'dispatch':
      return { type, unitCode: f.unitCode, note };
    case 'merge':
      return { type, targetCaseNumber: f.target.trim(), reason: note };
    case 'report_disposal':
      return { type, note: f.note.trim(), attachments: f.attachments };
    case 'callback':
      return { type, satisfaction: f.satisfaction, note };
    case 'verify':
    case 'file':
    case 'accept':
    case 'approve_return':
    case 'approve_extension':
    case 'approve_park':
    case 'resume':
    case 'close':
      return { type, note };
    default:
      return null;
  }
}

export interface ActionPanelProps {
  view: CaseView;
  suggestedUnitCode?: string | null;
  duplicates?: Array<{ caseNumber: string; distanceM: number }>;
  onDone?: (view: CaseView) => void;
  onConflict?: () => Promise<CaseView | undefined>;
}

/** Buttons for exactly the actions `allowedActions` lists, each with its small form. */
export function ActionPanel({ view, suggestedUnitCode, duplicates, onDone, onConflict }: ActionPanelProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<ActionType | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error' | 'conflict'; text: string } | null>(null);
  const actions = view.allowedActions;
  // a live refresh may take the open action away
  const shown = open && actions.includes(open) ? open : null;
  return (
    <div className="action-panel">
      {actions.length === 0 && (
        <p className="muted" data-testid="no-actions">
          {t('case.noActions')}
        </p>
      )}
      <div className="action-buttons">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            data-testid={`action-${a}`}
            className={`${PRIMARY.has(a) ? 'primary' : ''} ${shown === a ? 'pressed' : ''}`}
            onClick={() => {
              setOpen(shown === a ? null : a);
              setMessage(null);
            }}
          >
            {t(`actions.${a}`)}
          </button>
        ))}
      </div>
      {message && (
        <div
          className={`action-message ${message.kind}`}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid={message.kind === 'conflict' ? 'conflict-message' : 'action-message'}
        >
          {message.text}
        </div>
      )}
      {shown && (
        <ActionForm
          key={shown}
          type={shown}
          view={view}
          suggestedUnitCode={suggestedUnitCode ?? null}
          duplicates={duplicates ?? []}
          onCancel={() => setOpen(null)}
          onDone={(v) => {
            setOpen(null);
            setMessage({ kind: 'ok', text: `${t(`actions.${shown}`)} · ${t('case.done')}` });
            onDone?.(v);
          }}
          onConflict={async () => {
            setOpen(null);
            const fresh = onConflict ? await onConflict() : undefined;
            setMessage({
              kind: 'conflict',
              text: t('case.conflict', { state: t(`states.${fresh?.record.state ?? view.record.state}`) }),
            });
          }}
        />
      )}
    </div>
  );
}

function ActionForm({
  type,
  view,
  suggestedUnitCode,
  duplicates,
  onCancel,
  onDone,
  onConflict,
}: {
  type: ActionType;
  view: CaseView;
  suggestedUnitCode: string | null;
  duplicates: Array<{ caseNumber: string; distanceM: number }>;
  onCancel: () => void;
  onDone: (v: CaseView) => void;
  onConflict: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ref = useReference();
  const localName = useLocalName();
  const fieldText = useFieldErrorText();
  const errorText = useErrorText();
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [amount, setAmount] = useState('');
  // never preselect the unit that has just returned the case (回退: not its remit)
  const [unitCode, setUnitCode] = useState(
    suggestedUnitCode ?? (view.record.returnCount > 0 ? '' : (view.record.unitCode ?? '')),
  );
  const [target, setTarget] = useState(duplicates[0]?.caseNumber ?? '');
  const [satisfaction, setSatisfaction] = useState(5);
  const [photos, setPhotos] = useState<Array<{ sha: string; name: string }>>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const settle = (v: CaseView) => {
    queryClient.setQueryData(trpc.cases.get.queryKey({ caseNumber: v.record.caseNumber }), v);
    void queryClient.invalidateQueries({ queryKey: trpc.unitWork.queue.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.dispatch.queue.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.review.queue.pathKey() });
    onDone(v);
  };
  const opts = {
    onSuccess: settle,
    onError: (e: unknown) => (isConflict(e) ? void onConflict() : undefined),
  };
  const m = useMutation(trpc.cases.act.mutationOptions(opts));
  const errors = m.error && !isConflict(m.error) ? fieldErrors(m.error, fieldText) : {};
  const errOf = (f: string) => errors[`action.${f}`] ?? errors[f];
  const general =
    m.error && !isConflict(m.error) && Object.keys(errors).length === 0 ? errorText(m.error) : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const action = buildAction(type, {
      reason,
      note,
      amount,
      unitCode,
      target,
      attachments: photos.map((x) => x.sha),
      satisfaction,
    });
    if (action)
      m.mutate({ caseNumber: view.record.caseNumber, expectedVersion: view.record.version, action });
  };

  const onFiles = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setUploading(true);
    setUploadError(null);
    try {
      const added: Array<{ sha: string; name: string }> = [];
      for (const f of Array.from(files).slice(0, 10 - photos.length)) {
        const r = await uploadAttachment(f);
        added.push({ sha: r.sha256, name: f.name });
      }
      setPhotos((p) => [...p, ...added.filter((a) => !p.some((x) => x.sha === a.sha))]);
    } catch (err) {
      setUploadError(errorText(err));
    } finally {
      setUploading(false);
    }
  };

  const limitUnit = t(`limitUnits.${view.record.limitUnit}`);
  return (
    <form className="action-form" onSubmit={submit} data-testid={`action-form-${type}`}>
      <h4>{t(`actions.${type}`)}</h4>
      {needsUnit(type) && (
        <label>
          {t('case.unitSelect')}
          <select
            data-testid="field-unit"
            value={unitCode}
            onChange={(e) => setUnitCode(e.target.value)}
            required
            autoFocus
          >
            <option value="">—</option>
            {ref.data.units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.code} {localName(u)}
                {u.code === suggestedUnitCode ? ` ★ ${t('queue.suggested')}` : ''}
              </option>
            ))}
          </select>
          {errOf('unitCode') && <span className="field-error">{errOf('unitCode')}</span>}
        </label>
      )}
      {type === 'merge' && (
        <label>
          {t('case.targetCase')}
          <input
            data-testid="field-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="20261124-0001"
            required
            autoFocus
          />
          {duplicates.length > 0 && (
            <span className="chips">
              {duplicates.map((d) => (
                <button
                  type="button"
                  key={d.caseNumber}
                  className={`chip ${d.caseNumber === target ? 'pressed' : ''}`}
                  onClick={() => setTarget(d.caseNumber)}
                >
                  {d.caseNumber} · {t('intake.distance', { m: d.distanceM })}
                </button>
              ))}
            </span>
          )}
          {errOf('targetCaseNumber') && <span className="field-error">{errOf('targetCaseNumber')}</span>}
        </label>
      )}
      {type === 'request_extension' && (
        <label>
          {t('case.amount', { unit: limitUnit })}
          <input
            data-testid="field-amount"
            type="number"
            min="0.5"
            step="0.5"
            max="1000"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
          {errOf('amount') && <span className="field-error">{errOf('amount')}</span>}
        </label>
      )}
      {type === 'callback' && (
        <fieldset className="satisfaction" data-testid="field-satisfaction">
          <legend>{t('case.satisfaction')}</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="radio">
              <input
                type="radio"
                name="satisfaction"
                value={n}
                checked={satisfaction === n}
                onChange={() => setSatisfaction(n)}
                data-testid={`field-satisfaction-${n}`}
              />
              {'★'.repeat(n)}
            </label>
          ))}
        </fieldset>
      )}
      {needsReason(type) && (
        <label>
          {t('case.reason')}
          <textarea
            data-testid="field-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={2}
            required
            minLength={2}
            autoFocus={!needsUnit(type)}
          />
          {errOf('reason') && <span className="field-error">{errOf('reason')}</span>}
        </label>
      )}
      {!needsReason(type) && (
        <label>
          {t('case.note')}
          <textarea
            data-testid="field-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={2}
            required={type === 'report_disposal'}
            minLength={type === 'report_disposal' ? 2 : undefined}
            autoFocus={!needsUnit(type) && type !== 'merge'}
          />
          {errOf('note') && <span className="field-error">{errOf('note')}</span>}
        </label>
      )}
      {type === 'report_disposal' && (
        <div className="photos">
          <label className="file-label">
            {uploading ? t('case.uploading') : t('case.addPhotos')}
            <input
              data-testid="field-photos"
              type="file"
              accept="image/*"
              multiple
              onChange={(e) => void onFiles(e.target.files)}
              disabled={uploading || photos.length >= 10}
            />
          </label>
          <div className="thumbs">
            {photos.map((p) => (
              <figure key={p.sha} className="thumb">
                <img src={attachmentUrl(p.sha)} alt={p.name} />
                <button
                  type="button"
                  className="thumb-remove"
                  aria-label="remove"
                  onClick={() => setPhotos((xs) => xs.filter((x) => x.sha !== p.sha))}
                >
                  ×
                </button>
              </figure>
            ))}
          </div>
          {uploadError && (
            <span className="field-error" data-testid="upload-error">
              {uploadError}
            </span>
          )}
          {errOf('attachments') && <span className="field-error">{errOf('attachments')}</span>}
        </div>
      )}
      {general && <div className="form-error">{general}</div>}
      <div className="form-buttons">
        <button
          type="submit"
          className="primary"
          data-testid="action-submit"
          disabled={m.isPending || uploading}
        >
          {t('app.confirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
