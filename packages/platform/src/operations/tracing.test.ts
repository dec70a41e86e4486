import { describe, expect, it } from 'vitest';
import { createSchema, createYoga } from 'graphql-yoga';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './tracing.js';

const schema = createSchema({ typeDefs: 'type Query { hello(name: String): String }', resolvers: { Query: { hello: (_: unknown, a: { name?: string }) => `hi ${a.name ?? ''}` } } });

describe('OpenTelemetry traces', () => {
  it('exports a span per operation, with its name and type, without the document, variables or result', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = await startTracing({ exporter, serviceName: 'weixi-test' });
    const yoga = createYoga({ schema, plugins: [tracing.plugin], logging: false });
    const post = (body: unknown) => yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      expect((await post({ query: 'query First { hello }' })).status).toBe(200);
      expect((await post({ query: 'query Second($n: String) { hello(name: $n) }', variables: { n: '王芳' } })).status).toBe(200);
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.attributes['graphql.execute.operationName'])).toEqual(['First', 'Second']);
      expect(spans.map((s) => s.attributes['graphql.execute.operationType'])).toEqual(['query', 'query']);
      for (const span of spans) {
        for (const hidden of ['graphql.execute.document', 'graphql.execute.variables', 'graphql.execute.result']) expect(span.attributes[hidden]).toBeUndefined();
      }
    } finally {
      await tracing.close();
    }
  });
});
