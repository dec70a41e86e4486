/**
 * A cap on the size of a query's response. The result is serialised once here: over `max` bytes the client
 * gets a LIMIT_EXCEEDED error instead of a body cut short; within it, the text is handed to yoga's result
 * processor (its `stringify` hook), so a response is not serialised twice. Mutations are not capped: their
 * writes are done by then, and refusing the answer would hide them (ingest batch sizes bound their results).
 */
import { getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { limitExceeded } from './options.js';

type Serialisable = ExecutionResult & { stringify?: (result: unknown) => string };

/** The `onExecute` hook for `max` bytes (0: no cap). */
export function capResponseSize(max: number) {
  return ({ args }: { args: ExecutionArgs }) => {
    if (max <= 0 || getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
    return {
      onExecuteDone({ result, setResult }: { result: unknown; setResult: (result: ExecutionResult) => void }) {
        if (!result || typeof result !== 'object' || Symbol.asyncIterator in result) return;
        const executed = result as Serialisable;
        const text = JSON.stringify(executed);
        const bytes = Buffer.byteLength(text);
        if (bytes > max) {
          setResult({ errors: [limitExceeded('maxResponseBytes', max, 'the response size in bytes', bytes)] });
        } else if (!executed.errors?.length && !executed.extensions) {
          // yoga stringifies a result without errors or extensions as it is: reuse this text.
          setResult({ ...executed, stringify: () => text } as Serialisable);
        }
      },
    };
  };
}
