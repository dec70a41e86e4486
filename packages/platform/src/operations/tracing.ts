/**
 * OpenTelemetry traces through `@envelop/opentelemetry`: one span per GraphQL operation (name, type, and
 * errors), no resolver spans (one per field would cost the request path far more than the answer), and
 * neither the document nor variables nor the result as attributes, which may carry customer data. Off
 * unless configured: the OpenTelemetry packages are not even loaded then.
 */
import type { Plugin } from 'graphql-yoga';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /** OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces` (from OTEL_EXPORTER_OTLP_*ENDPOINT). */
  endpoint?: string;
  /** Spans go here instead (tests pass an in-memory exporter), each as soon as it ends. */
  exporter?: SpanExporter;
  /** `service.name` of the spans; default `weixi`. */
  serviceName?: string;
}

export interface Tracing {
  plugin: Plugin;
  /** Sends the spans still buffered and stops. */
  close(): Promise<void>;
}

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [{ useOpenTelemetry }, { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }] = await Promise.all([
    import('@envelop/opentelemetry'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const provider = new BasicTracerProvider();
  if (options.exporter) {
    provider.addSpanProcessor(new SimpleSpanProcessor(options.exporter));
  } else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    provider.addSpanProcessor(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint })));
  }
  const plugin = useOpenTelemetry(
    { resolvers: false, defaultResolvers: false, document: false, variables: false, result: false },
    provider,
    undefined,
    undefined,
    options.serviceName ?? 'weixi',
  ) as unknown as Plugin;
  return { plugin, close: () => provider.shutdown() };
}
