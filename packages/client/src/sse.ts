/**
 * GraphQL over Server-Sent Events as the Weixi server speaks it (graphql-yoga's "distinct connections"
 * mode): a POST with `Accept: text/event-stream`, answered by `event: next` messages, each carrying one
 * result as JSON, and a final `event: complete`.
 */

/** The `data` of each `next` event of an SSE body, parsed, until `complete` or the end of the body. */
export async function* sseResults(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of message.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'complete') return;
        if (data.length > 0) yield JSON.parse(data.join('\n'));
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
