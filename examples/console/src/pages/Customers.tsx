import { useState, type FormEvent } from 'react';
import { SearchCustomersDocument, type CustomerFilter } from '../gql/graphql.js';
import { useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorBox, Loading, RegionSelect, Section, go, Head, Value } from '../ui.js';

/** Digits search by MSISDN prefix, anything else by name. */
function filterOf(text: string, region: string): CustomerFilter {
  const filter: CustomerFilter = {};
  const q = text.trim();
  if (/^\+?\d+$/.test(q)) filter.msisdnPrefix = q;
  else if (q) filter.nameContains = q;
  if (region) filter.regionCodes = [region];
  return filter;
}

export function CustomersPage() {
  const { t, v } = useI18n();
  const [text, setText] = useState('');
  const [region, setRegion] = useState('');
  const [filter, setFilter] = useState<CustomerFilter>({});
  const { data, error, loading } = useQuery(SearchCustomersDocument, { filter, first: 50 });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter(filterOf(text, region));
  };
  return (
    <Section title={t('nav.customers')} testId="page-customers">
      <form className="row" onSubmit={submit}>
        <input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('search.placeholder')} data-testid="customer-search" />
        <RegionSelect value={region} onChange={setRegion} allLabel={t('region.all')} />
        <button type="submit" data-testid="customer-search-submit">
          {t('search.submit')}
        </button>
      </form>
      <ErrorBox error={error} />
      <Loading when={loading} />
      {data && (
        <>
          <p className="muted" data-testid="customer-count">
            {data.customers.totalCount} {t('search.found')}
          </p>
          <table>
            <Head columns={[t('msisdn'), t('name'), t('region'), t('tier'), t('stage'), t('risk')]} />
            <tbody>
              {data.customers.edges.map(({ node: c }) => (
                <tr key={c.id} className="clickable" onClick={() => go('customers', c.id)} data-testid="customer-row">
                  <td>{c.msisdn}</td>
                  <td>{c.name}</td>
                  <td>{c.region.name}</td>
                  <td>{v(c.tier)}</td>
                  <td>{v(c.lifecycleStage)}</td>
                  <td>
                    <Value of={c.churnRisk.level} /> {c.churnRisk.score.toFixed(2)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}
