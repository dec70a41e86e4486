import { useEffect, useState, type ReactNode } from 'react';
import { RegionsDocument } from './gql/graphql.js';
import { useQuery } from './api.js';
import { useI18n } from './i18n.js';

/** The page the location hash names: `#/customers/<id>` is ['customers', '<id>']. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const go = (...parts: string[]) => {
  window.location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
};

export function ErrorBox({ error }: { error: string | undefined }) {
  return error ? <p className="error" role="alert">{error}</p> : null;
}

export function Loading({ when }: { when: boolean }) {
  const { t } = useI18n();
  return when ? <p className="muted">{t('loading')}</p> : null;
}

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** The regions the caller sees, for pickers; `allLabel` adds an empty choice. */
export function RegionSelect({ value, onChange, allLabel, testId, levels }: { value: string; onChange(code: string): void; allLabel?: string; testId?: string; levels?: string[] }) {
  const { data } = useQuery(RegionsDocument, {});
  const regions = (data?.regions.edges ?? []).map((e) => e.node).filter((r) => !levels || levels.includes(r.level));
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {allLabel !== undefined && <option value="">{allLabel}</option>}
      {regions.map((r) => (
        <option key={r.code} value={r.code}>
          {r.parent ? '\u00a0\u00a0' : ''}
          {r.name} ({r.code})
        </option>
      ))}
    </select>
  );
}

export const yuan = (cents: number | null | undefined) => (cents == null ? '–' : (cents / 100).toLocaleString(undefined, { maximumFractionDigits: 2 }));
export const percent = (ratio: number | null | undefined) => (ratio == null ? '–' : `${(ratio * 100).toFixed(1)}%`);
export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');

export function Badge({ children, tone }: { children: ReactNode; tone?: string }) {
  return <span className={`badge ${tone ? `badge-${tone.toLowerCase()}` : ''}`}>{children}</span>;
}

/** An enum value as a badge in the current language, coloured by the value (HIGH, FAILED, ...). */
export function Value({ of, tone }: { of: string; tone?: string }) {
  const { v } = useI18n();
  return <Badge tone={tone ?? of}>{v(of)}</Badge>;
}

/** A table's header row; an empty string is a column without a heading (actions). */
export function Head({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((label, i) => (
          <th key={i}>{label}</th>
        ))}
      </tr>
    </thead>
  );
}

/** A select over a fixed list of values (an enum's). */
export function Choice<T extends string>({ values, value, onChange, testId }: { values: readonly T[]; value: NoInfer<T>; onChange(value: NoInfer<T>): void; testId?: string }) {
  const { v: label } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
      {values.map((v) => (
        <option key={v} value={v}>
          {label(v)}
        </option>
      ))}
    </select>
  );
}
