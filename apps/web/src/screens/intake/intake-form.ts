import { DEFAULT_REQUEST_NATURE, type RequestNature } from '@citygrid/domain';

export interface LatLngValue {
  readonly lat: number;
  readonly lng: number;
}

/** Everything the operator has entered for the call being taken, plus the last filed result. */
export interface IntakeFormState {
  /** Idempotency key of this call's submission; a new one for every new call. */
  readonly key: string;
  readonly phone: string;
  readonly name: string;
  readonly nature: RequestNature;
  /** Hotline-category filter of the class search (orders the matches, never hides them). */
  readonly hotlineCategory: string;
  /** The text in the class search field. */
  readonly categoryQuery: string;
  readonly minorClassCode: string | null;
  readonly description: string;
  readonly urgent: boolean;
  readonly location: LatLngValue | null;
  readonly address: string;
  /** The text in the gazetteer search field. */
  readonly placeQuery: string;
}

/** The fields a plain edit sets (each a text, except the nature). */
export type IntakeTextField =
  'phone' | 'name' | 'hotlineCategory' | 'categoryQuery' | 'description' | 'address' | 'placeQuery';

export type IntakeFormAction =
  | { readonly type: 'edit'; readonly field: IntakeTextField; readonly value: string }
  | { readonly type: 'setNature'; readonly nature: RequestNature }
  | { readonly type: 'setUrgent'; readonly urgent: boolean }
  | { readonly type: 'toggleUrgent' }
  /** A class picked from the search: the search text is cleared, the hotline-category filter kept. */
  | { readonly type: 'pickClass'; readonly code: string }
  /** A gazetteer place picked: its point, and its address (or its name) as the address. */
  | {
      readonly type: 'pickPlace';
      readonly place: LatLngValue & { readonly name: string; readonly address?: string | null };
    }
  /** A point clicked on the map: the address no longer describes it. */
  | { readonly type: 'pickPoint'; readonly point: LatLngValue }
  /** The call was filed: an empty form with a fresh key for the next call. */
  | { readonly type: 'filed'; readonly nextKey: string };

export function initialIntakeForm(key: string): IntakeFormState {
  return {
    key,
    phone: '',
    name: '',
    nature: DEFAULT_REQUEST_NATURE,
    hotlineCategory: '',
    categoryQuery: '',
    minorClassCode: null,
    description: '',
    urgent: false,
    location: null,
    address: '',
    placeQuery: '',
  };
}

/** The intake form's one reducer: pure, so every way the form changes is tested without a browser. */
export function intakeFormReducer(state: IntakeFormState, action: IntakeFormAction): IntakeFormState {
  switch (action.type) {
    case 'edit':
      return state[action.field] === action.value ? state : { ...state, [action.field]: action.value };
    case 'setNature':
      return { ...state, nature: action.nature };
    case 'setUrgent':
      return { ...state, urgent: action.urgent };
    case 'toggleUrgent':
      return { ...state, urgent: !state.urgent };
    case 'pickClass':
      return { ...state, minorClassCode: action.code, categoryQuery: '' };
    case 'pickPlace':
      return {
        ...state,
        location: { lat: action.place.lat, lng: action.place.lng },
        address: action.place.address ?? action.place.name,
        placeQuery: '',
      };
    case 'pickPoint':
      return { ...state, location: { lat: action.point.lat, lng: action.point.lng }, address: '' };
    case 'filed':
      return initialIntakeForm(action.nextKey);
  }
}

/** What `intake.create` is sent for the form; a link to a duplicate gets its own key. */
export function intakeSubmission(
  state: IntakeFormState & { readonly minorClassCode: string },
  duplicateOf?: string,
) {
  return {
    callerPhone: state.phone.trim() || null,
    callerName: state.name.trim() || null,
    nature: state.nature,
    minorClassCode: state.minorClassCode,
    description: state.description.trim(),
    urgency: state.urgent ? ('urgent' as const) : ('normal' as const),
    location: state.location,
    address: state.address.trim() || null,
    duplicateOf: duplicateOf ?? null,
    idempotencyKey: duplicateOf ? `${state.key}-dup` : state.key,
  };
}
