/**
 * The one place HTML is escaped. `html` is a tagged template: every interpolated value is escaped
 * (text and quoted attribute values alike) unless it is itself an `Html` fragment built by `html`,
 * so markup can only come from template literals in this code base, never from data. Arrays are
 * joined, `undefined`, `null` and `false` render as nothing (for `${cond && html`…`}`).
 */
export class Html {
  /** Only `html` and `joinHtml` construct fragments: a string cannot be declared trusted by a caller. */
  private constructor(private readonly markup: string) {}

  static fromTemplate(strings: TemplateStringsArray, values: readonly unknown[]): Html {
    let out = strings[0]!;
    for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
    return new Html(out);
  }

  static join(parts: readonly unknown[], separator: Html | string = ''): Html {
    return new Html(parts.map(render).join(render(separator)));
  }

  toString(): string {
    return this.markup;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return Html.fromTemplate(strings, values);
}

export const joinHtml = (parts: readonly unknown[], separator: Html | string = ''): Html => Html.join(parts, separator);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.toString();
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}
