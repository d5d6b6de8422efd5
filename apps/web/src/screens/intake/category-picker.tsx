import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { searchCategories, type CategorySearchItem, type CategorySearchResult } from '@citygrid/domain';
import type { MinorClass } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import { Combobox } from '../../components/combobox';

export interface CategoryPickerProps {
  readonly hotlineCategory: string;
  readonly onHotlineCategory: (code: string) => void;
  readonly query: string;
  readonly onQuery: (text: string) => void;
  readonly minorClassCode: string | null;
  readonly onPick: (code: string) => void;
  readonly error?: string | undefined;
}

/**
 * The class picker (小类): a hotline-category filter and a search by name, caller's phrase, pinyin
 * initials or code (the domain's `searchCategories`). The list is derived synchronously from the text
 * in the field, so Enter always picks from the list for that text.
 */
export function CategoryPicker({
  hotlineCategory,
  onHotlineCategory,
  query,
  onQuery,
  minorClassCode,
  onPick,
  error,
}: CategoryPickerProps) {
  const { t } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  const { minorClasses, hotlineCategories } = ref.data;
  const categoryName = useCallback(
    (code: string) => localName(hotlineCategories.find((c) => c.code === code)),
    [localName, hotlineCategories],
  );

  const searchClasses = useCallback(
    (text: string): CategorySearchResult<MinorClass> =>
      searchCategories(minorClasses, text, { hotlineCategory, hotlineCategories }),
    [minorClasses, hotlineCategories, hotlineCategory],
  );
  const options = useCallback(
    (text: string) => {
      const r = searchClasses(text);
      // nearest classes are suggestions: Enter picks one only after the operator moves onto it
      return { items: r.items, defaultIndex: r.kind === 'nearest' ? -1 : 0 };
    },
    [searchClasses],
  );
  const result = useMemo(() => searchClasses(query), [searchClasses, query]);
  const selected = ref.minorClass(minorClassCode);

  const header =
    query.trim() === '' ? null : (
      <>
        {(result.kind === 'nearest' || result.kind === 'none') && (
          <div className="combo-hint" data-testid="category-no-match" role="status">
            {result.kind === 'nearest' ? t('intake.categoryNearest') : t('intake.categoryNone')}
          </div>
        )}
        {result.outsideFilter > 0 && (
          <div className="combo-hint" data-testid="category-filter-hidden" role="status">
            {t('intake.categoryFilterHidden', {
              category: categoryName(hotlineCategory),
              n: result.outsideFilter,
            })}
          </div>
        )}
      </>
    );

  return (
    <div className="category-picker">
      <div className="row2 category-row">
        <label>
          {t('intake.hotlineCategory')}
          <select
            data-testid="intake-hotline-category"
            value={hotlineCategory}
            onChange={(e) => onHotlineCategory(e.target.value)}
          >
            <option value="">{t('app.all')}</option>
            {hotlineCategories.map((c) => (
              <option key={c.code} value={c.code}>
                {localName(c)}
              </option>
            ))}
          </select>
        </label>
        <Combobox
          label={t('intake.minorClass')}
          testId="intake-category-search"
          placeholder={selected ? `${selected.code} ${localName(selected)}` : t('intake.categorySearch')}
          value={query}
          onValueChange={onQuery}
          options={options}
          // picking never touches the hotline-category filter: the next search still finds across categories
          onPick={(item: CategorySearchItem<MinorClass>) => onPick(item.minorClass.code)}
          itemKey={(i) => i.minorClass.code}
          itemTestId={(i) => `category-option-${i.minorClass.code}`}
          header={header}
          renderItem={({ minorClass: m, outsideFilter }) => (
            <>
              <span className="num muted">{m.code}</span> {localName(m)}{' '}
              <span className="muted small">{m.pinyinInitials}</span>
              {outsideFilter && (
                <span className="muted small other-category">· {categoryName(m.hotlineCategory)}</span>
              )}
            </>
          )}
        />
      </div>
      <div className="selected-class" data-testid="intake-minor-class" data-code={minorClassCode ?? ''}>
        {selected ? (
          <>
            <strong>{localName(selected)}</strong>
            <span className="muted small">
              {selected.code} · {categoryName(selected.hotlineCategory)} ·{' '}
              {t('time.limit', {
                amount: selected.timeLimit.amount,
                unit: t(`limitUnits.${selected.timeLimit.unit}`),
              })}
            </span>
          </>
        ) : (
          <span className="muted">{t('intake.chooseCategory')}</span>
        )}
        {error && <span className="field-error">{error}</span>}
      </div>
    </div>
  );
}
