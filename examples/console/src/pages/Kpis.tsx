import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { KpisDocument, type KpiDimension } from '../gql/graphql.js';
import { call, errorText, useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorBox, Loading, RegionSelect, Section, percent, yuan, Head } from '../ui.js';

const DIMENSIONS: KpiDimension[] = ['TACTIC', 'CHANNEL', 'TIER', 'REGION', 'TEAM', 'AGENT', 'WARNING_RULE'];

/** The month `back` months before the last complete one, `YYYY-MM`. */
const monthBefore = (back: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1 - back, 1)).toISOString().slice(0, 7);
};
const lastMonth = () => monthBefore(0);
const TREND_MONTHS = 9;

export function KpisPage() {
  const { t, v } = useI18n();
  const [region, setRegion] = useState('');
  const [month, setMonth] = useState(lastMonth);
  const [by, setBy] = useState<KpiDimension | ''>('TACTIC');
  const { data, error, loading } = useQuery(KpisDocument, { regionCode: region, month, by: by || null }, !region || !/^\d{4}-\d{2}$/.test(month));
  const rows = data?.kpis.rows ?? [];
  const chart = rows.map((r) => ({ key: r.key, tasks: r.tasks, reached: r.reached, retained: r.retained }));
  const uplift = rows
    .filter((r) => r.uplift && (r.uplift.treatedRetentionRate != null || r.uplift.controlRetentionRate != null))
    .map((r) => ({ key: r.key, treated: (r.uplift!.treatedRetentionRate ?? 0) * 100, control: (r.uplift!.controlRetentionRate ?? 0) * 100 }));
  return (
    <div data-testid="page-kpis">
      <Section title={t('nav.kpis')}>
        <div className="row">
          {t('region')}
          <RegionSelect value={region} onChange={setRegion} allLabel={t('plugins.chooseRegion')} testId="kpi-region" />
          {t('kpis.month')}
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="kpi-month" />
          {t('kpis.by')}
          <select value={by} onChange={(e) => setBy(e.target.value as KpiDimension | '')}>
            <option value="">{t('kpis.total')}</option>
            {DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {v(d)}
              </option>
            ))}
          </select>
        </div>
        <ErrorBox error={error} />
        <Loading when={loading && !!region} />
      </Section>
      {region && <Trend region={region} />}
      {rows.length > 0 && (
        <>
          <div className="columns">
            <Section title={`${t('kpis.tasks')} / ${t('kpis.reached')} / ${t('kpis.retained')}`} testId="kpi-chart">
              <ResponsiveContainer width="100%" height={280}>
                <BarChart data={chart}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="key" interval={0} angle={-15} textAnchor="end" height={90} tick={{ fontSize: 11 }} />
                  <YAxis />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="tasks" name={t('kpis.tasks')} fill="#85929e" isAnimationActive={false} />
                  <Bar dataKey="reached" name={t('kpis.reached')} fill="#2471a3" isAnimationActive={false} />
                  <Bar dataKey="retained" name={t('kpis.retained')} fill="#1e8449" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </Section>
            <Section title={t('kpis.uplift')}>
              {uplift.length === 0 ? (
                <p>{t('none')}</p>
              ) : (
                <ResponsiveContainer width="100%" height={280}>
                  <BarChart data={uplift}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="key" interval={0} angle={-15} textAnchor="end" height={90} tick={{ fontSize: 11 }} />
                    <YAxis unit="%" />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="treated" name={t('kpis.treated')} fill="#c0392b" isAnimationActive={false} />
                    <Bar dataKey="control" name={t('kpis.control')} fill="#85929e" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              )}
            </Section>
          </div>
          <Section title={`${data?.kpis.regionCode} · ${data?.kpis.month}`}>
            <table data-testid="kpi-table">
              <Head columns={[by ? v(by) : t('kpis.total'), t('kpis.tasks'), t('kpis.reached'), t('kpis.retained'), t('kpis.reachRate'), t('kpis.retentionRate'), t('kpis.churnRate'), t('kpis.cost')]} />
              <tbody>
                {rows.map((r) => (
                  <tr key={r.key}>
                    <td>{r.key}</td>
                    <td>{r.tasks}</td>
                    <td>{r.reached}</td>
                    <td>{r.retained}</td>
                    <td>{percent(r.reachRate)}</td>
                    <td>{percent(r.retentionRate)}</td>
                    <td>{percent(r.churnRate)}</td>
                    <td>{yuan(r.costPerRetainedCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        </>
      )}
      {data && rows.length === 0 && <p data-testid="kpi-empty">{t('none')}</p>}
    </div>
  );
}

/**
 * The region's totals over the last months: tasks and retained customers (bars) and the churn and retention
 * rates (lines). The API answers one month per `kpis` query, so this asks once per month, in parallel.
 */
function Trend({ region }: { region: string }) {
  const { t } = useI18n();
  const [points, setPoints] = useState<Array<Record<string, number | string | null>>>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    setPoints(undefined);
    const months = Array.from({ length: TREND_MONTHS }, (_, i) => monthBefore(TREND_MONTHS - 1 - i));
    Promise.all(months.map((month) => call(KpisDocument, { regionCode: region, month, by: null }))).then(
      (reports) => {
        if (!live) return;
        setError(undefined);
        setPoints(
          reports.map((r, i) => {
            const row = r.kpis.rows[0];
            return {
              month: months[i]!,
              tasks: row?.tasks ?? 0,
              retained: row?.retained ?? 0,
              churnRate: row?.churnRate == null ? null : row.churnRate * 100,
              retentionRate: row?.retentionRate == null ? null : row.retentionRate * 100,
            };
          }),
        );
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [region]);
  return (
    <Section title={`${region} · ${t('kpis.trend')}`} testId="kpi-trend">
      <ErrorBox error={error} />
      <Loading when={!points && !error} />
      {points && (
        <ResponsiveContainer width="100%" height={280}>
          <ComposedChart data={points}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="month" />
            <YAxis yAxisId="count" />
            <YAxis yAxisId="rate" orientation="right" unit="%" />
            <Tooltip />
            <Legend />
            <Bar yAxisId="count" dataKey="tasks" name={t('kpis.tasks')} fill="#85929e" isAnimationActive={false} />
            <Bar yAxisId="count" dataKey="retained" name={t('kpis.retained')} fill="#1e8449" isAnimationActive={false} />
            <Line yAxisId="rate" dataKey="churnRate" name={t('kpis.churnRate')} stroke="#c0392b" isAnimationActive={false} connectNulls />
            <Line yAxisId="rate" dataKey="retentionRate" name={t('kpis.retentionRate')} stroke="#2471a3" isAnimationActive={false} connectNulls />
          </ComposedChart>
        </ResponsiveContainer>
      )}
    </Section>
  );
}
