import { useCallback } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type Place } from '../../lib/trpc';
import { useDebounced } from '../../lib/use-debounced';
import { Combobox } from '../../components/combobox';

const NO_PLACES: Place[] = [];

export interface PlacePickerProps {
  readonly query: string;
  readonly onQuery: (text: string) => void;
  readonly onPick: (place: Place) => void;
  readonly error?: string | undefined;
}

/** The gazetteer search (地名): places, roads and communities by name, asked of the server as the operator types. */
export function PlacePicker({ query, onQuery, onPick, error }: PlacePickerProps) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const debounced = useDebounced(query.trim(), 200);
  const places = useQuery({
    ...trpc.reference.places.queryOptions({ q: debounced, limit: 8 }),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
  });
  const list = debounced.length > 0 ? (places.data ?? NO_PLACES) : NO_PLACES;
  // the server's answer for the latest settled text: Enter picks from what the list shows
  const options = useCallback(() => ({ items: list, defaultIndex: 0 }), [list]);

  return (
    <Combobox
      label={t('intake.location')}
      testId="intake-place-search"
      placeholder={t('intake.placeSearch')}
      value={query}
      onValueChange={onQuery}
      options={options}
      onPick={onPick}
      itemKey={(p) => `${p.kind}-${p.code ?? p.name}`}
      itemTestId={(p) => `place-option-${list.indexOf(p)}`}
      renderItem={(p) => (
        <>
          {p.name} <span className="muted small">{p.code ?? p.address ?? p.nameEn}</span>
        </>
      )}
    >
      {error && <span className="field-error">{error}</span>}
    </Combobox>
  );
}
