import { useId, useMemo, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';

/** What a combobox offers for the text in its field. */
export interface ComboboxOptions<T> {
  readonly items: readonly T[];
  /**
   * Which item Enter picks before the operator moves with ↑↓: usually 0; -1 when the items are
   * only suggestions (nothing matched) and Enter must pick nothing by itself.
   */
  readonly defaultIndex: number;
}

export interface ComboboxProps<T> {
  readonly label: ReactNode;
  readonly testId: string;
  readonly placeholder?: string;
  /** The text in the field (controlled). */
  readonly value: string;
  readonly onValueChange: (text: string) => void;
  /**
   * Pure and synchronous: the options for a text. Called for the text being rendered AND, on Enter,
   * for the text in the field at that moment, so a paste or an input-method commit followed at once
   * by Enter picks from the list for that text, never from a list rendered for older text.
   */
  readonly options: (text: string) => ComboboxOptions<T>;
  readonly onPick: (item: T) => void;
  readonly itemKey: (item: T) => string;
  readonly itemTestId?: (item: T) => string;
  readonly renderItem: (item: T) => ReactNode;
  /** Shown above the items while the list is open (e.g. "no exact match — nearest:"). */
  readonly header?: ReactNode;
  readonly className?: string;
  /** Shown under the field inside its label, e.g. the field's error. */
  readonly children?: ReactNode;
}

/**
 * A keyboard-first combobox (WAI-ARIA combobox + listbox): type or paste, ↑↓ to move, Enter to pick,
 * Esc to close. The list is derived synchronously from the field's current text — no deferred or
 * debounced copy of it — so what Enter picks is always what the list shows for what is typed.
 */
export function Combobox<T>(props: ComboboxProps<T>) {
  const {
    label,
    testId,
    placeholder,
    value,
    onValueChange,
    options,
    onPick,
    itemKey,
    itemTestId,
    renderItem,
    header,
    className,
    children,
  } = props;
  const listId = useId();
  const [open, setOpen] = useState(false);
  // the active row belongs to the text it was chosen for; for any other text the default row applies
  const [active, setActive] = useState<{ text: string; index: number } | null>(null);
  const current = useMemo(() => options(value), [options, value]);
  const activeIndex = (text: string, opts: ComboboxOptions<T>) =>
    active && active.text === text ? active.index : opts.defaultIndex;
  const shownIndex = activeIndex(value, current);

  const pick = (item: T) => {
    onPick(item);
    setActive(null);
    setOpen(false);
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    // Enter that commits an input-method composition belongs to the IME, not to the list
    if (e.nativeEvent.isComposing || e.key === 'Process') return;
    const text = e.currentTarget.value;
    const opts = text === value ? current : options(text);
    const index = activeIndex(text, opts);
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive({ text, index: Math.min(index + 1, opts.items.length - 1) });
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive({ text, index: Math.max(index - 1, 0) });
    } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
      const item = index >= 0 ? opts.items[index] : undefined;
      if (item !== undefined) {
        e.preventDefault();
        pick(item);
      } else if (text.trim() !== '') {
        // nothing to pick for this text: keep the form from submitting and show why
        e.preventDefault();
        setOpen(true);
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  return (
    <label className={`combo ${className ?? ''}`}>
      {label}
      <input
        data-testid={testId}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={
          open && shownIndex >= 0 && current.items[shownIndex] !== undefined
            ? `${listId}-${shownIndex}`
            : undefined
        }
        placeholder={placeholder}
        value={value}
        onChange={(e) => {
          onValueChange(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        autoComplete="off"
      />
      {open && (header || current.items.length > 0) && (
        <div className="combo-list">
          {header}
          <div id={listId} role="listbox">
            {current.items.map((item, i) => (
              <div
                key={itemKey(item)}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === shownIndex}
                className={`combo-option ${i === shownIndex ? 'active' : ''}`}
                data-testid={itemTestId?.(item)}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(item);
                }}
              >
                {renderItem(item)}
              </div>
            ))}
          </div>
        </div>
      )}
      {children}
    </label>
  );
}
