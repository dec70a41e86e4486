import { useEffect, useState } from 'react';
import {
  CreateSegmentDocument,
  RefreshSegmentDocument,
  SegmentPreviewDocument,
  SegmentsDocument,
  type ComparisonOperator,
  type MetricMeasure,
  type MetricOperator,
  type SegmentCondition,
  type SegmentField,
  type Tier,
  type UsageMetric,
} from '../gql/graphql.js';
import { call, errorText, useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { Badge, Choice, ErrorBox, RegionSelect, Section, when, Head } from '../ui.js';

const FIELDS: SegmentField[] = ['TENURE_MONTHS', 'CONTRACT_ENDS_IN_DAYS', 'BALANCE_CENTS', 'POINTS', 'PLAN', 'PAYMENT_TYPE', 'STATUS', 'IS_CAMPUS', 'DEVICE', 'BIRTHDAY_IN_DAYS', 'GROUP_KIND', 'MSISDN', 'NAME'];
const OPERATORS: ComparisonOperator[] = ['EQ', 'NE', 'GT', 'GTE', 'LT', 'LTE', 'IN', 'NOT_IN', 'CONTAINS', 'STARTS_WITH', 'IS_NULL', 'IS_NOT_NULL'];
const METRICS: UsageMetric[] = ['REVENUE_CENTS', 'DATA_MB', 'VOICE_MINUTES', 'SMS', 'ACTIVE_DAYS', 'RECHARGE_CENTS', 'COMPLAINTS', 'COMPETITOR_CONTACTS'];
const MEASURES: MetricMeasure[] = ['CHANGE_RATIO', 'AVERAGE', 'TOTAL', 'MONTHS_WITHOUT_ACTIVITY'];
const METRIC_OPERATORS: MetricOperator[] = ['LTE', 'LT', 'GTE', 'GT', 'EQ', 'NE'];
const TIERS: Tier[] = ['DIAMOND', 'GOLD', 'SILVER', 'MID_HIGH', 'ORDINARY'];

type Row =
  | { kind: 'field'; field: SegmentField; op: ComparisonOperator; value: string }
  | { kind: 'metric'; metric: UsageMetric; measure: MetricMeasure; months: number; op: MetricOperator; value: string }
  | { kind: 'tier'; tiers: Tier[] }
  | { kind: 'region'; code: string };

const NEW_ROW: Record<Row['kind'], Row> = {
  field: { kind: 'field', field: 'TENURE_MONTHS', op: 'GTE', value: '24' },
  metric: { kind: 'metric', metric: 'REVENUE_CENTS', measure: 'CHANGE_RATIO', months: 3, op: 'LTE', value: '-0.3' },
  tier: { kind: 'tier', tiers: ['DIAMOND', 'GOLD'] },
  region: { kind: 'region', code: '' },
};

/** The condition a row stands for, or undefined while it is incomplete. */
function conditionOf(row: Row): SegmentCondition | undefined {
  switch (row.kind) {
    case 'field':
      if (row.op === 'IS_NULL' || row.op === 'IS_NOT_NULL') return { field: { field: row.field, op: row.op } };
      if (row.op === 'IN' || row.op === 'NOT_IN') {
        // A list: the value typed as comma-separated items (P129, P199).
        const values = row.value.split(',').map((v) => v.trim()).filter(Boolean);
        return values.length ? { field: { field: row.field, op: row.op, values } } : undefined;
      }
      return { field: { field: row.field, op: row.op, value: row.value } };
    case 'metric':
      return row.value === '' || Number.isNaN(Number(row.value)) ? undefined : { metric: { metric: row.metric, measure: row.measure, months: row.months, op: row.op, value: Number(row.value) } };
    case 'tier':
      return row.tiers.length ? { tier: { in: row.tiers } } : undefined;
    case 'region':
      return row.code ? { region: { codes: [row.code] } } : undefined;
  }
}

function definitionOf(rows: Row[], combine: 'and' | 'or'): SegmentCondition | undefined {
  const parts = rows.map(conditionOf).filter((c): c is SegmentCondition => c !== undefined);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : combine === 'and' ? { and: parts } : { or: parts };
}

export function SegmentsPage() {
  const { t } = useI18n();
  const segments = useQuery(SegmentsDocument, {});
  return (
    <div data-testid="page-segments">
      <SegmentBuilder onSaved={segments.reload} />
      <Section title={t('segments.list')}>
        <ErrorBox error={segments.error} />
        <table>
          <Head columns={[t('name'), t('region'), t('segments.count'), '']} />
          <tbody>
            {segments.data?.segments.edges.map(({ node: s }) => (
              <tr key={s.id} data-testid="segment-row">
                <td>
                  {s.name} {s.stale && <Badge>{t('segments.stale')}</Badge>}
                  {s.description && <div className="muted">{s.description}</div>}
                </td>
                <td>{s.region?.code ?? '–'}</td>
                <td>{s.count}</td>
                <td>
                  <button className="small" onClick={() => void call(RefreshSegmentDocument, { id: s.id }).then(segments.reload)}>
                    {t('segments.refresh')}
                  </button>{' '}
                  <span className="muted">{when(s.refreshedAt)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

function SegmentBuilder({ onSaved }: { onSaved(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [region, setRegion] = useState('');
  const [combine, setCombine] = useState<'and' | 'or'>('and');
  const [rows, setRows] = useState<Row[]>([NEW_ROW.field]);
  const [preview, setPreview] = useState<number>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const definition = definitionOf(rows, combine);
  const key = JSON.stringify(definition ?? null);

  // The live count: segmentPreview after the user pauses for 300 ms.
  useEffect(() => {
    setPreview(undefined);
    if (!definition) return;
    let live = true;
    const timer = setTimeout(() => {
      call(SegmentPreviewDocument, { definition }).then(
        (r) => live && (setPreview(r.segmentPreview), setError(undefined)),
        (e: unknown) => live && setError(errorText(e)),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);

  const update = (index: number, row: Row) => setRows(rows.map((r, i) => (i === index ? row : r)));
  const save = async () => {
    if (!definition) return;
    try {
      const result = await call(CreateSegmentDocument, { input: { name, definition, regionCode: region || null } });
      await call(RefreshSegmentDocument, { id: result.createSegment.segment.id });
      setSaved(name);
      setError(undefined);
      onSaved();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <Section title={t('segments.builder')} testId="segment-builder">
      <div className="row">
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('segments.name')} data-testid="segment-name" />
        <RegionSelect value={region} onChange={setRegion} allLabel="—" testId="segment-region" />
      </div>
      <div className="row">
        {t('segments.combine')}
        <select value={combine} onChange={(e) => setCombine(e.target.value as 'and' | 'or')}>
          <option value="and">{t('segments.all')}</option>
          <option value="or">{t('segments.any')}</option>
        </select>
      </div>
      {rows.map((row, index) => (
        <div key={index} className="row condition" data-testid="condition">
          <select value={row.kind} onChange={(e) => update(index, NEW_ROW[e.target.value as Row['kind']])} data-testid="condition-kind">
            <option value="field">{t('cond.field')}</option>
            <option value="metric">{t('cond.metric')}</option>
            <option value="tier">{t('cond.tier')}</option>
            <option value="region">{t('cond.region')}</option>
          </select>
          <ConditionEditor row={row} onChange={(next) => update(index, next)} />
          <button className="small" onClick={() => setRows(rows.filter((_, i) => i !== index))}>
            {t('segments.remove')}
          </button>
        </div>
      ))}
      <div className="row">
        <button className="small" onClick={() => setRows([...rows, NEW_ROW.field])} data-testid="condition-add">
          {t('segments.add')}
        </button>
        <span className="preview">
          {t('segments.preview')}: <strong data-testid="segment-preview">{definition ? preview ?? '…' : '–'}</strong>
        </span>
        <button onClick={() => void save()} disabled={!definition || !name.trim()} data-testid="segment-save">
          {t('segments.save')}
        </button>
        {saved && <span data-testid="segment-saved">{t('segments.saved')}: {saved}</span>}
      </div>
      <ErrorBox error={error} />
      <details>
        <summary>SegmentCondition</summary>
        <pre data-testid="segment-definition">{JSON.stringify(definition ?? null, null, 2)}</pre>
      </details>
    </Section>
  );
}

function ConditionEditor({ row, onChange }: { row: Row; onChange(row: Row): void }) {
  const { t } = useI18n();
  switch (row.kind) {
    case 'field':
      return (
        <>
          <Choice values={FIELDS} value={row.field} onChange={(field) => onChange({ ...row, field })} testId="field" />
          <Choice values={OPERATORS} value={row.op} onChange={(op) => onChange({ ...row, op })} testId="field-op" />
          <input value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })} data-testid="field-value" />
        </>
      );
    case 'metric':
      return (
        <>
          <Choice values={METRICS} value={row.metric} onChange={(metric) => onChange({ ...row, metric })} testId="metric" />
          <Choice values={MEASURES} value={row.measure} onChange={(measure) => onChange({ ...row, measure })} testId="metric-measure" />
          <input type="number" min={1} max={24} value={row.months} onChange={(e) => onChange({ ...row, months: Number(e.target.value) || 1 })} className="narrow" />
          {t('cond.months')}
          <Choice values={METRIC_OPERATORS} value={row.op} onChange={(op) => onChange({ ...row, op })} testId="metric-op" />
          <input value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })} className="narrow" data-testid="metric-value" />
        </>
      );
    case 'tier':
      return (
        <span>
          {TIERS.map((tier) => (
            <label key={tier} className="inline">
              <input
                type="checkbox"
                checked={row.tiers.includes(tier)}
                onChange={(e) => onChange({ ...row, tiers: e.target.checked ? [...row.tiers, tier] : row.tiers.filter((x) => x !== tier) })}
              />
              {tier}
            </label>
          ))}
        </span>
      );
    case 'region':
      return <RegionSelect value={row.code} onChange={(code) => onChange({ ...row, code })} allLabel="—" />;
  }
}
