import { useEffect, useState } from 'react';
import {
  DisablePluginDocument,
  EnablePluginDocument,
  JobRunsDocument,
  PauseJobDocument,
  PluginDetailDocument,
  PluginsDocument,
  ResumeJobDocument,
  RunJobDocument,
  UpdatePluginSettingsDocument,
} from '../gql/graphql.js';
import { call, errorText, useQuery } from '../api.js';
import { useI18n } from '../i18n.js';
import { Badge, ErrorBox, Loading, RegionSelect, Section, go, when, Head, Value } from '../ui.js';
import { SettingsForm, type JsonSchema } from '../settings-form.js';

export function PluginsPage() {
  const { t } = useI18n();
  const { data, error, loading } = useQuery(PluginsDocument, {});
  return (
    <Section title={t('nav.plugins')} testId="page-plugins">
      <ErrorBox error={error} />
      <Loading when={loading} />
      <table>
        <Head columns={['id', t('name'), t('status'), t('plugins.enabledIn')]} />
        <tbody>
          {data?.plugins.edges.map(({ node: p }) => (
            <tr key={p.id} className="clickable" onClick={() => go('plugins', p.id)} data-testid="plugin-row" data-plugin-id={p.id}>
              <td>
                <code>{p.id}</code> <span className="muted">{p.version}</span>
              </td>
              <td>
                {p.displayName ?? p.id}
                <div className="muted">{p.description}</div>
              </td>
              <td>
                <Value of={p.status} tone={p.status === 'ACTIVE' ? 'ok' : p.status} />
              </td>
              <td>{p.enabledRegions.join(', ') || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

interface JobDeclaration {
  id: string;
  description?: string;
  cron?: string;
}

function jobsOf(contributes: unknown): JobDeclaration[] {
  const jobs = (contributes as { jobs?: unknown } | null)?.jobs;
  return Array.isArray(jobs) ? (jobs as JobDeclaration[]).filter((j) => typeof j?.id === 'string') : [];
}

export function PluginPage({ id }: { id: string }) {
  const { t } = useI18n();
  const [region, setRegion] = useState('');
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const detail = useQuery(PluginDetailDocument, { id, regionCode: region || null });
  const plugin = detail.data?.plugin;
  const act = (work: () => Promise<unknown>, done?: string) =>
    void work().then(
      () => {
        setError(undefined);
        setMessage(done);
        detail.reload();
      },
      (e: unknown) => setError(errorText(e)),
    );
  const enabledHere = plugin?.enabledRegions.includes(region) ?? false;
  return (
    <div data-testid="page-plugin">
      <button className="link" onClick={() => go('plugins')}>
        {t('plugins.back')}
      </button>
      <Section title={plugin ? `${plugin.displayName ?? plugin.id} (${plugin.id})` : id}>
        <ErrorBox error={detail.error} />
        {plugin && (
          <>
            <p>{plugin.description}</p>
            <p>
              <Value of={plugin.status} tone={plugin.status === 'ACTIVE' ? 'ok' : plugin.status} /> {t('plugins.enabledIn')}:{' '}
              <span data-testid="plugin-enabled-regions">{plugin.enabledRegions.join(', ') || '–'}</span>
            </p>
            <p className="muted">{plugin.capabilities.join(' · ')}</p>
            {plugin.error && <p className="error">{plugin.error}</p>}
            <div className="row">
              {t('region')}
              <RegionSelect value={region} onChange={setRegion} allLabel={t('plugins.chooseRegion')} testId="plugin-region" />
              <button disabled={!region || enabledHere} onClick={() => act(() => call(EnablePluginDocument, { id, regionCode: region }))} data-testid="plugin-enable">
                {t('plugins.enable')}
              </button>
              <button disabled={!region || !enabledHere} onClick={() => act(() => call(DisablePluginDocument, { id, regionCode: region }))} data-testid="plugin-disable">
                {t('plugins.disable')}
              </button>
            </div>
            <ErrorBox error={error} />
            {message && <p className="ok" data-testid="plugin-message">{message}</p>}
            {plugin.health.some((h) => h.consecutiveFailures > 0) && (
              <ul>
                {plugin.health.map((h) => (
                  <li key={h.regionCode ?? '-'}>
                    {h.regionCode ?? '*'}: {h.consecutiveFailures} × {h.lastError} {h.trippedAt && `(tripped ${when(h.trippedAt)})`}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Section>
      {plugin && plugin.settingsSchema != null && (
        <Section title={`${t('plugins.settings')} · ${region || '*'}`} testId="plugin-settings">
          <SettingsForm
            key={`${id}/${region}`}
            schema={plugin.settingsSchema as JsonSchema}
            value={plugin.settings}
            submitLabel={t('plugins.saveSettings')}
            onSubmit={(settings) => act(() => call(UpdatePluginSettingsDocument, { id, regionCode: region || null, settings }), t('plugins.settingsSaved'))}
          />
        </Section>
      )}
      {plugin && <Jobs pluginId={id} region={region} jobs={jobsOf(plugin.contributes)} />}
    </div>
  );
}

function Jobs({ pluginId, region, jobs }: { pluginId: string; region: string; jobs: JobDeclaration[] }) {
  const { t } = useI18n();
  const runs = useQuery(JobRunsDocument, { filter: { pluginId, regionCode: region || null } });
  const [paused, setPaused] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string>();
  const list = runs.data?.jobRuns.edges.map((e) => e.node) ?? [];
  const active = list.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING');
  const { reload } = runs;
  // Poll while a run is queued or running, so its progress moves.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, 1500);
    return () => clearInterval(timer);
  }, [active, reload]);
  const act = (jobId: string, work: () => Promise<{ paused?: boolean } | unknown>) =>
    void work().then(
      (result) => {
        setError(undefined);
        const p = (result as { pauseJob?: { paused: boolean }; resumeJob?: { paused: boolean } }) ?? {};
        const state = p.pauseJob?.paused ?? p.resumeJob?.paused;
        if (state !== undefined) setPaused((s) => ({ ...s, [jobId]: state }));
        reload();
      },
      (e: unknown) => setError(errorText(e)),
    );
  return (
    <Section title={t('plugins.jobs')} testId="plugin-jobs">
      {jobs.length === 0 && <p>{t('none')}</p>}
      {jobs.map((job) => (
        <div key={job.id} className="row">
          <code>{job.id}</code> <span className="muted">{job.cron}</span> <span className="muted">{job.description}</span>
          {paused[job.id] !== undefined && <Badge>{paused[job.id] ? t('plugins.paused') : t('plugins.resumed')}</Badge>}
          <button className="small" disabled={!region} onClick={() => act(job.id, () => call(RunJobDocument, { pluginId, jobId: job.id, regionCode: region }))} data-testid={`job-run-${job.id}`}>
            {t('plugins.run')}
          </button>
          <button className="small" disabled={!region} onClick={() => act(job.id, () => call(PauseJobDocument, { pluginId, jobId: job.id, regionCode: region }))}>
            {t('plugins.pause')}
          </button>
          <button className="small" disabled={!region} onClick={() => act(job.id, () => call(ResumeJobDocument, { pluginId, jobId: job.id, regionCode: region }))}>
            {t('plugins.resume')}
          </button>
        </div>
      ))}
      <ErrorBox error={error ?? runs.error} />
      <h3>{t('plugins.runs')}</h3>
      {list.length === 0 && <p>{t('none')}</p>}
      <table>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} data-testid="job-run">
              <td>
                <code>{r.jobId}</code>
              </td>
              <td>{r.region}</td>
              <td>
                <Value of={r.status} tone={r.status === 'SUCCEEDED' ? 'ok' : r.status} /> {r.trigger}
              </td>
              <td>
                <progress max={1} value={r.progress} /> {Math.round(r.progress * 100)}% {r.progressMessage ?? ''}
              </td>
              <td className="muted">
                {when(r.startedAt ?? r.scheduledFor)} {r.error && <span className="error">{r.error}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
