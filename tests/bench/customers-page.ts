/**
 * The customers page over real HTTP: the nested query of tests/api/statements.test.ts with first: 100,
 * POSTed to the Weixi server and to the one-statement baseline; median of warm runs, the same data
 * required from both, and the number of SQL statements Weixi issued for one page. Measured as asked and
 * without the top-level totalCount, whose count(*) over every customer dominates both sides at scale.
 */
import { isDeepStrictEqual } from 'node:util';
import { createApiKey } from '@weixi/core/access';
import { createLogger, startServer } from '@weixi/platform';
import type { Clock } from '@weixi/core';
import type { Database } from '@weixi/db';
import { startBaselineServer } from './baseline-server.js';
import { check, median, round, timed, type Check } from './measure.js';

export const PAGE_SIZE = 100;
export const CUSTOMERS_PAGE = `query CustomersPage($first: Int!) {
  customers(first: $first) {
    totalCount
    edges { node {
      msisdn tier lifecycleStage region { code parent { code } }
      usage(months: 6) { totalCount edges { node { month revenueCents } } }
      tasks(first: 5) { totalCount edges { node { state transitions { totalCount } } } }
      segments { totalCount edges { node { enteredAt segment { name count } } } }
    } }
  }
}`;
export const CUSTOMERS_PAGE_NO_TOTAL = CUSTOMERS_PAGE.replace(/^ {4}totalCount\n/m, '');

export interface PageFigures {
  label: string;
  customers: number;
  weixiMs: number;
  baselineMs: number;
  ratio: number;
  weixiStatements: number;
  baselineStatements: number;
  responseBytes: { weixi: number; baseline: number };
  runsMs: { weixi: number[]; baseline: number[] };
}

/** Both servers authenticate every request, as in production; an admin key pays no scope predicates. */
let authorization = '';

async function post(url: string, query: string): Promise<{ data: any; bytes: number }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization },
    body: JSON.stringify({ query, variables: { first: PAGE_SIZE } }),
  });
  const text = await res.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (!res.ok || body.errors) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return { data: body.data, bytes: Buffer.byteLength(text) };
}

/** The path of the first difference, for the failure message. */
function firstDifference(a: unknown, b: unknown, path = 'data'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path}: Weixi ${JSON.stringify(a)?.slice(0, 200)} vs baseline ${JSON.stringify(b)?.slice(0, 200)}`;
}

type Node = { msisdn: string; usage: { edges: { node: { month: string; revenueCents: number } }[] } };
const usageFigures = (data: any) => (data.customers.edges as { node: Node }[]).map(({ node }) => [node.msisdn, node.usage.edges.map((e) => [e.node.month, e.node.revenueCents])]);

async function measure(query: string, label: string, weixiUrl: string, baselineUrl: string, database: Database, runs: number): Promise<{ page: PageFigures; checks: Check[] }> {
  // Two warm-up requests each (schema caches, plans, connections), then alternating timed runs.
  for (let i = 0; i < 2; i++) {
    await post(weixiUrl, query);
    await post(baselineUrl, query);
  }
  let statements = 0;
  const off = database.onStatement(() => statements++);
  const weixiPage = await post(weixiUrl, query);
  off();
  const baselinePage = await post(baselineUrl, query);
  const times = { weixi: [] as number[], baseline: [] as number[] };
  for (let run = 0; run < runs; run++) {
    times.weixi.push((await timed(() => post(weixiUrl, query))).ms);
    times.baseline.push((await timed(() => post(baselineUrl, query))).ms);
  }
  const edges = (weixiPage.data as any).customers.edges as unknown[];
  const checks = [
    check(`${label}: a full page`, edges.length === PAGE_SIZE, `${edges.length} customers`),
    check(`${label}: same customers and usage figures`, isDeepStrictEqual(usageFigures(weixiPage.data), usageFigures(baselinePage.data)), firstDifference(usageFigures(weixiPage.data), usageFigures(baselinePage.data)) ?? 'equal'),
    check(`${label}: same whole response`, isDeepStrictEqual(weixiPage.data, baselinePage.data), firstDifference(weixiPage.data, baselinePage.data) ?? 'equal'),
  ];
  const page: PageFigures = {
    label,
    customers: edges.length,
    weixiMs: round(median(times.weixi)),
    baselineMs: round(median(times.baseline)),
    ratio: round(median(times.weixi) / median(times.baseline), 2),
    weixiStatements: statements,
    baselineStatements: 1,
    responseBytes: { weixi: weixiPage.bytes, baseline: baselinePage.bytes },
    runsMs: { weixi: times.weixi.map((x) => round(x)), baseline: times.baseline.map((x) => round(x)) },
  };
  console.log(`  ${label}: Weixi ${page.weixiMs} ms (${statements} statements) vs baseline ${page.baselineMs} ms: ratio ${page.ratio}`);
  return { page, checks };
}

/** The page as asked, then without its top-level totalCount (a count(*) of every customer, the same on both sides). */
export async function benchCustomersPage(database: Database, clock: Clock, runs: number): Promise<{ pages: PageFigures[]; checks: Check[] }> {
  authorization = `Bearer ${(await createApiKey(database.db, { role: 'admin', name: 'bench' })).key}`;
  const weixi = await startServer({ database, clock, logger: createLogger('warn') });
  const baseline = await startBaselineServer(database, clock);
  try {
    const full = await measure(CUSTOMERS_PAGE, 'customers page', weixi.url, baseline.url, database, runs);
    const noTotal = await measure(CUSTOMERS_PAGE_NO_TOTAL, 'customers page without totalCount', weixi.url, baseline.url, database, runs);
    return { pages: [full.page, noTotal.page], checks: [...full.checks, ...noTotal.checks] };
  } finally {
    await weixi.close();
    await baseline.close();
  }
}
