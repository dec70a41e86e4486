import { useState } from 'react';
import { AcknowledgeWarningDocument, WarningsDocument, type WarningFilter, type WarningLevel, type WarningStatus } from '../gql/graphql.js';
import { call, useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { Choice, ErrorBox, Loading, RegionSelect, Section, go, when, Head, Value } from '../ui.js';

const LEVELS: WarningLevel[] = ['HIGH', 'MEDIUM', 'LOW'];
const STATUSES: WarningStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'EXPIRED'];

export function WarningsPage() {
  const { t } = useI18n();
  const [levels, setLevels] = useState<WarningLevel[]>([]);
  const [status, setStatus] = useState<WarningStatus>('OPEN');
  const [ruleId, setRuleId] = useState('');
  const [region, setRegion] = useState('');
  const filter: WarningFilter = { statuses: [status] };
  if (levels.length) filter.levels = levels;
  if (ruleId) filter.ruleId = ruleId;
  if (region) filter.regionCode = region;
  const { data, error, loading, reload } = useQuery(WarningsDocument, { filter, first: 100 });
  const warnings = data?.warnings.edges.map((e) => e.node) ?? [];
  const byRule = new Map<string, { rule: string; HIGH: number; MEDIUM: number; LOW: number }>();
  for (const w of warnings) {
    const entry = byRule.get(w.ruleId) ?? { rule: w.rule, HIGH: 0, MEDIUM: 0, LOW: 0 };
    entry[w.level] += 1;
    byRule.set(w.ruleId, entry);
  }
  return (
    <div data-testid="page-warnings">
      <Section title={t('nav.warnings')}>
        <div className="row">
          {LEVELS.map((level) => (
            <label key={level} className="inline">
              <input type="checkbox" checked={levels.includes(level)} onChange={(e) => setLevels(e.target.checked ? [...levels, level] : levels.filter((l) => l !== level))} />
              <Value of={level} />
            </label>
          ))}
          <Choice values={STATUSES} value={status} onChange={setStatus} />
          <RegionSelect value={region} onChange={setRegion} allLabel={t('region.all')} />
          {ruleId && (
            <button className="small" onClick={() => setRuleId('')}>
              {t('warnings.rule')}: {ruleId} ✕
            </button>
          )}
        </div>
        <ErrorBox error={error} />
        <Loading when={loading} />
        <p className="muted" data-testid="warning-count">
          {data?.warnings.totalCount ?? 0}
        </p>
        <h3>{t('warnings.byRule')}</h3>
        <table>
          <Head columns={[t('warnings.rule'), ...LEVELS]} />
          <tbody>
            {[...byRule].map(([id, r]) => (
              <tr key={id} className="clickable" onClick={() => setRuleId(id)}>
                <td>
                  {r.rule} <span className="muted">{id}</span>
                </td>
                <td>{r.HIGH}</td>
                <td>{r.MEDIUM}</td>
                <td>{r.LOW}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t('profile.warnings')}>
        <table>
          <Head columns={[t('warnings.level'), t('warnings.rule'), t('name'), t('region'), t('warnings.reason'), t('profile.evidence'), t('warnings.firstSeen'), '']} />
          <tbody>
            {warnings.map((w) => (
              <tr key={w.id} data-testid="warning-row">
                <td>
                  <Value of={w.level} /> {w.score.toFixed(2)}
                </td>
                <td>{w.rule}</td>
                <td className="clickable" onClick={() => go('customers', w.customer.id)}>
                  {w.customer.name} {w.customer.msisdn}
                </td>
                <td>{w.region.name}</td>
                <td>{w.reason}</td>
                <td>
                  <code className="evidence">{JSON.stringify(w.evidence)}</code>
                </td>
                <td>{when(w.firstSeenAt)}</td>
                <td>
                  {w.status === 'OPEN' && (
                    <button className="small" onClick={() => void call(AcknowledgeWarningDocument, { id: w.id }).then(reload)}>
                      {t('warnings.ack')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
