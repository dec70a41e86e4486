import { useState, type FormEvent } from 'react';

/** The part of JSON Schema plugin manifests use for their settings. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

const typeOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type) ?? (schema.enum ? 'enum' : 'string');

/**
 * A form generated from a plugin's settings schema: one input per property (number, text, a choice for an
 * enum, a checkbox for a boolean, checkboxes for an array of choices, comma-separated text for an array of
 * strings; anything else as JSON). The browser checks what the schema lets it (min, max, pattern, length);
 * the server validates the whole object again and answers with an issue per field.
 */
export function SettingsForm({ schema, value, submitLabel, onSubmit }: { schema: JsonSchema; value: Record<string, unknown>; submitLabel: string; onSubmit(settings: Record<string, unknown>): void }) {
  const properties = Object.entries(schema.properties ?? {});
  const [draft, setDraft] = useState<Record<string, unknown>>(() => Object.fromEntries(properties.map(([name, p]) => [name, value[name] ?? p.default])));
  const [error, setError] = useState<string>();
  const set = (name: string, v: unknown) => setDraft((d) => ({ ...d, [name]: v }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      const settings: Record<string, unknown> = {};
      for (const [name, p] of properties) {
        const v = draft[name];
        if (v === undefined || v === '') continue;
        settings[name] = typeOf(p) === 'object' && typeof v === 'string' ? JSON.parse(v) : v;
      }
      setError(undefined);
      onSubmit(settings);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <form onSubmit={submit} className="settings">
      {properties.map(([name, p]) => (
        <label key={name} className="setting" data-testid={`setting-${name}`}>
          <span>
            <code>{name}</code>
            {p.description && <span className="muted"> {p.description}</span>}
          </span>
          <Input schema={p} value={draft[name]} onChange={(v) => set(name, v)} name={name} />
        </label>
      ))}
      {error && <p className="error">{error}</p>}
      <button type="submit" data-testid="settings-save">
        {submitLabel}
      </button>
    </form>
  );
}

function Input({ schema, value, onChange, name }: { schema: JsonSchema; value: unknown; onChange(v: unknown): void; name: string }) {
  const type = typeOf(schema);
  if (schema.enum) {
    return (
      <select name={name} value={String(value ?? '')} onChange={(e) => onChange(schema.enum!.find((x) => String(x) === e.target.value))}>
        {schema.enum.map((x) => (
          <option key={String(x)}>{String(x)}</option>
        ))}
      </select>
    );
  }
  if (type === 'integer' || type === 'number') {
    return (
      <input
        type="number"
        name={name}
        min={schema.minimum}
        max={schema.maximum}
        step={type === 'integer' ? 1 : 'any'}
        value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  }
  if (type === 'boolean') return <input type="checkbox" name={name} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  if (type === 'array' && schema.items?.enum) {
    const list = Array.isArray(value) ? (value as unknown[]) : [];
    return (
      <span>
        {schema.items.enum.map((x) => (
          <label key={String(x)} className="inline">
            <input type="checkbox" checked={list.includes(x)} onChange={(e) => onChange(e.target.checked ? [...list, x] : list.filter((y) => y !== x))} />
            {String(x)}
          </label>
        ))}
      </span>
    );
  }
  if (type === 'array') {
    const list = Array.isArray(value) ? (value as unknown[]).join(', ') : '';
    const numeric = schema.items?.type === 'integer' || schema.items?.type === 'number';
    return (
      <input
        name={name}
        value={list}
        onChange={(e) =>
          onChange(
            e.target.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
              .map((s) => (numeric ? Number(s) : s)),
          )
        }
      />
    );
  }
  if (type === 'object') {
    return <textarea name={name} value={typeof value === 'string' ? value : JSON.stringify(value ?? {}, null, 2)} onChange={(e) => onChange(e.target.value)} rows={4} />;
  }
  const long = (schema.maxLength ?? 0) > 100;
  return long ? (
    <textarea name={name} value={String(value ?? '')} minLength={schema.minLength} maxLength={schema.maxLength} onChange={(e) => onChange(e.target.value)} rows={3} />
  ) : (
    <input name={name} value={String(value ?? '')} pattern={schema.pattern} minLength={schema.minLength} maxLength={schema.maxLength} onChange={(e) => onChange(e.target.value)} />
  );
}
