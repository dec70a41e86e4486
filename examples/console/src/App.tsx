import { useEffect, useState, type FormEvent } from 'react';
import { RegionsDocument } from './gql/graphql.js';
import { apiKey, call, errorText, setUnauthenticatedHandler } from './api.js';
import { useI18n, type LabelKey } from './i18n.js';
import { ErrorBox, go, useRoute } from './ui.js';
import { CustomersPage } from './pages/Customers.js';
import { CustomerProfilePage } from './pages/CustomerProfile.js';
import { SegmentsPage } from './pages/Segments.js';
import { WarningsPage } from './pages/Warnings.js';
import { TasksPage } from './pages/Tasks.js';
import { PluginsPage, PluginPage } from './pages/Plugins.js';
import { KpisPage } from './pages/Kpis.js';

const NAV: Array<[string, LabelKey]> = [
  ['customers', 'nav.customers'],
  ['segments', 'nav.segments'],
  ['warnings', 'nav.warnings'],
  ['tasks', 'nav.tasks'],
  ['plugins', 'nav.plugins'],
  ['kpis', 'nav.kpis'],
];

export function App() {
  const { t, language, setLanguage } = useI18n();
  const [signedIn, setSignedIn] = useState(() => apiKey.get() !== null);
  const route = useRoute();
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      apiKey.clear();
      setSignedIn(false);
    });
  }, []);
  const signOut = () => {
    apiKey.clear();
    setSignedIn(false);
  };
  const languageSwitch = (
    <button className="link" data-testid="language" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
      {language === 'zh' ? 'English' : '中文'}
    </button>
  );
  if (!signedIn) return <Login onSignedIn={() => setSignedIn(true)} languageSwitch={languageSwitch} />;
  const [page = 'customers', id] = route;
  return (
    <div className="layout">
      <header>
        <strong>{t('app.title')}</strong>
        <nav>
          {NAV.map(([name, label]) => (
            <a key={name} href={`#/${name}`} className={page === name ? 'active' : ''} data-testid={`nav-${name}`}>
              {t(label)}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        {languageSwitch}
        <button className="link" onClick={signOut} data-testid="logout">
          {t('logout')}
        </button>
      </header>
      <main>
        {page === 'customers' && (id ? <CustomerProfilePage id={id} /> : <CustomersPage />)}
        {page === 'segments' && <SegmentsPage />}
        {page === 'warnings' && <WarningsPage />}
        {page === 'tasks' && <TasksPage />}
        {page === 'plugins' && (id ? <PluginPage id={id} /> : <PluginsPage />)}
        {page === 'kpis' && <KpisPage />}
      </main>
    </div>
  );
}

/** Checks the key with one small query before keeping it: a bad key is refused here, not on every page. */
function Login({ onSignedIn, languageSwitch }: { onSignedIn(): void; languageSwitch: React.ReactNode }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    apiKey.set(key.trim());
    try {
      await call(RegionsDocument, {});
      onSignedIn();
      if (!window.location.hash) go('customers');
    } catch (e) {
      apiKey.clear();
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form onSubmit={submit} className="card">
        <h1>{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        <label>
          {t('login.key')}
          <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} data-testid="login-key" placeholder="wx_…" />
        </label>
        <button type="submit" disabled={busy || !key.trim()} data-testid="login-submit">
          {t('login.submit')}
        </button>
        <ErrorBox error={error} />
        <p className="muted">{t('login.hint')}</p>
        {languageSwitch}
      </form>
    </div>
  );
}
