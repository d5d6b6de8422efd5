/**
 * A small XML writer for the GeoReport v2 shapes: plain elements, no attributes, no namespaces.
 * Lists are written as a wrapper element holding one child element per item, named after the
 * wrapper (`services` → `service`, `attributes` → `attribute`, …) as in the spec's examples.
 */

export type XmlValue =
  string | number | boolean | null | undefined | readonly XmlValue[] | { readonly [key: string]: XmlValue };

/** Wrapper element → item element, per the GeoReport v2 and Service Discovery examples. */
export const OPEN311_ITEM_NAMES: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

// Characters XML 1.0 cannot carry at all (C0 controls except tab/newline/return, U+FFFE/U+FFFF,
// lone surrogates) are dropped rather than producing a document no parser accepts.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for element content (also safe in attribute values). */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function writeElement(
  name: string,
  value: XmlValue,
  itemNames: Readonly<Record<string, string>>,
  indent: string,
  out: string[],
): void {
  if (value === undefined) return; // omitted field
  if (value === null) {
    out.push(`${indent}<${name}/>`);
    return;
  }
  if (Array.isArray(value)) {
    const item = itemNames[name];
    if (!item) throw new Error(`xml: no item element name for list <${name}>`);
    if (value.length === 0) {
      out.push(`${indent}<${name}/>`);
      return;
    }
    out.push(`${indent}<${name}>`);
    for (const v of value as readonly XmlValue[]) writeElement(item, v, itemNames, `${indent}  `, out);
    out.push(`${indent}</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as { readonly [key: string]: XmlValue }).filter(
      ([, v]) => v !== undefined,
    );
    if (entries.length === 0) {
      out.push(`${indent}<${name}/>`);
      return;
    }
    out.push(`${indent}<${name}>`);
    for (const [k, v] of entries) writeElement(k, v, itemNames, `${indent}  `, out);
    out.push(`${indent}</${name}>`);
    return;
  }
  const text = typeof value === 'string' ? escapeXml(value) : String(value);
  out.push(text === '' ? `${indent}<${name}/>` : `${indent}<${name}>${text}</${name}>`);
}

/** A whole document: declaration plus one root element. */
export function toXmlDocument(
  root: string,
  value: XmlValue,
  itemNames: Readonly<Record<string, string>> = OPEN311_ITEM_NAMES,
): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(root, value, itemNames, '', out);
  return `${out.join('\n')}\n`;
}
