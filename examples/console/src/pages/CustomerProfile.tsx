import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CustomerProfileDocument } from '../gql/graphql.js';
import { useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { Badge, ErrorBox, Loading, Section, go, when, yuan, Value } from '../ui.js';

export function CustomerProfilePage({ id }: { id: string }) {
  const { t, v } = useI18n();
  const { data, error, loading } = useQuery(CustomerProfileDocument, { id });
  const c = data?.customer;
  if (!c) {
    return (
      <Section title={t('nav.customers')}>
        <ErrorBox error={error} />
        <Loading when={loading} />
        {data && !c && <p>{t('none')}</p>}
      </Section>
    );
  }
  const usage = c.usage.edges
    .map(({ node: u }) => ({ month: u.month, revenue: u.revenueCents / 100, data: u.dataMb }))
    .sort((a, b) => a.month.localeCompare(b.month));
  return (
    <div data-testid="page-customer">
      <button className="link" onClick={() => go('customers')}>
        {t('profile.back')}
      </button>
      <Section title={`${c.name} · ${c.msisdn}`} testId="customer-profile">
        <dl className="facts">
          <dt>{t('region')}</dt>
          <dd>{c.region.name} ({c.region.code})</dd>
          <dt>{t('tier')}</dt>
          <dd>{v(c.tier)}</dd>
          <dt>{t('status')}</dt>
          <dd>{v(c.status)}</dd>
          <dt>{t('stage')}</dt>
          <dd><Value of={c.lifecycleStage} tone="" /> {c.warnings.map((w) => <Value key={w} of={w} tone="" />)}</dd>
          <dt>{t('plan')}</dt>
          <dd>{c.plan} · <Value of={c.paymentType} tone="" /></dd>
          <dt>{t('tenure')}</dt>
          <dd>{c.tenureMonths}</dd>
          <dt>{t('contractEnds')}</dt>
          <dd>{c.contractEndsOn ?? '–'}</dd>
          <dt>{t('balance')}</dt>
          <dd>{yuan(c.balanceCents)}</dd>
          <dt>{t('risk')}</dt>
          <dd>
            <Value of={c.churnRisk.level} /> {c.churnRisk.score.toFixed(2)}
          </dd>
        </dl>
        {c.churnRisk.factors.length > 0 && (
          <p className="muted">
            {t('profile.factors')}: {c.churnRisk.factors.map((f) => `${f.feature} (${f.contribution.toFixed(2)})`).join(', ')}
          </p>
        )}
      </Section>
      {c.nextBestActions.length > 0 && (
        <Section title={t('profile.actions')} testId="next-best-actions">
          <table>
            <tbody>
              {c.nextBestActions.map((a) => (
                <tr key={a.tactic} className={a.eligible ? '' : 'muted'}>
                  <td>{a.rank}</td>
                  <td>
                    {a.title} {a.chosen && <Badge tone="ok">{t('profile.chosen')}</Badge>} {!a.eligible && <Badge>{t('profile.ineligible')}</Badge>}
                  </td>
                  <td>{a.offerTitle}</td>
                  <td>{a.channel ?? '–'}</td>
                  <td>{a.score.toFixed(2)}</td>
                  <td>¥{yuan(a.costCents)}</td>
                  <td className="muted">{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      <Section title={t('profile.usage')} testId="usage-chart">
        {usage.length === 0 ? (
          <p>{t('none')}</p>
        ) : (
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={usage}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="month" />
              <YAxis yAxisId="revenue" />
              <YAxis yAxisId="data" orientation="right" />
              <Tooltip />
              <Legend />
              <Line yAxisId="revenue" type="monotone" dataKey="revenue" name={t('profile.revenue')} stroke="#c0392b" isAnimationActive={false} />
              <Line yAxisId="data" type="monotone" dataKey="data" name={t('profile.data')} stroke="#2471a3" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </Section>
      <div className="columns">
        <Section title={t('profile.warnings')} testId="customer-warnings">
          {c.churnWarnings.edges.length === 0 && <p>{t('none')}</p>}
          {c.churnWarnings.edges.map(({ node: w }) => (
            <div key={w.id} className="item">
              <Value of={w.level} /> <strong>{w.rule}</strong> · <Value of={w.status} tone="" /> · {when(w.firstSeenAt)}
              <div>{w.reason}</div>
              <div className="muted">
                {t('profile.evidence')}: <code className="evidence">{JSON.stringify(w.evidence)}</code>
              </div>
            </div>
          ))}
        </Section>
        <Section title={t('profile.tasks')}>
          {c.tasks.edges.length === 0 && <p>{t('none')}</p>}
          {c.tasks.edges.map(({ node: task }) => (
            <div key={task.id} className="item">
              <Value of={task.state} tone="" /> {task.tacticTitle ?? task.tactic ?? ''} · {task.channel ?? ''} · {task.assignee ?? ''}
              <div>{task.reason}</div>
              <div className="muted">
                {t('tasks.due')} {when(task.dueAt)} {task.outcome ? `· ${task.outcome}` : ''}
              </div>
            </div>
          ))}
        </Section>
      </div>
      <div className="columns">
        <Section title={t('profile.contacts')}>
          {c.contacts.edges.length === 0 && <p>{t('none')}</p>}
          {c.contacts.edges.map(({ node: contact }) => (
            <div key={contact.id} className="item">
              <Value of={contact.status} tone="" /> {contact.channel} · {contact.purpose} · {when(contact.createdAt)}
              <div className="muted">{contact.message}</div>
            </div>
          ))}
        </Section>
        <Section title={t('profile.segments')}>
          {c.segments.edges.length === 0 && <p>{t('none')}</p>}
          {c.segments.edges.map(({ node: m }) => (
            <div key={`${m.segment.id}-${m.enteredAt}`} className="item">
              {m.segment.name} <span className="muted">{when(m.enteredAt)} → {m.leftAt ? when(m.leftAt) : '…'}</span>
            </div>
          ))}
        </Section>
      </div>
    </div>
  );
}
