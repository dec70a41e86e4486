/** A contact's text: checked, and rendered from a template in the customer's language. */
import { fillTemplate, pickLanguage, type MessageTemplate } from '@weixi/sdk';
import { InputError, type InputIssue as Issue } from '../errors.js';

const CHANNEL = /^[a-z][a-z0-9-]{0,39}$/;

/** What is wrong with a send request, each problem named by its path. */
export function sendProblems(input: { message: string | MessageTemplate; purpose?: string; idempotencyKey: string }, channels: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  if (channels.length === 0 || channels.length > 6) issues.push({ path: 'channel', message: 'names 1 to 6 channels, preferred first' });
  channels.forEach((c, i) => {
    if (typeof c !== 'string' || !CHANNEL.test(c)) issues.push({ path: `channel[${i}]`, message: `${JSON.stringify(c)} is not a channel id` });
  });
  if (new Set(channels).size !== channels.length) issues.push({ path: 'channel', message: 'names a channel twice' });
  if (input.purpose !== undefined && input.purpose !== 'service' && input.purpose !== 'marketing') issues.push({ path: 'purpose', message: 'must be "service" or "marketing"' });
  if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey.length === 0 || input.idempotencyKey.length > 200) issues.push({ path: 'idempotencyKey', message: 'must be 1 to 200 characters' });
  const m = input.message;
  if (typeof m === 'string') {
    if (m.length === 0) issues.push({ path: 'message', message: 'is empty' });
  } else if (typeof m !== 'object' || m === null || typeof m.text !== 'object' || m.text === null || Object.keys(m.text).length === 0) {
    issues.push({ path: 'message', message: 'is a text or a template { text: { zh: "...", en: "..." }, subject?, variables? }' });
  }
  return issues;
}

/**
 * The text, subject and language of a message for a customer: a template in the customer's language
 * (`attributes.language`, else the template's first), `{name}` their name unless the variables say otherwise.
 * An unknown variable is an InputError naming it.
 */
export function renderMessage(message: string | MessageTemplate, customer: { name: string; attributes: Record<string, unknown> }): { message: string; subject: string | null; language: string | null } {
  if (typeof message === 'string') return { message, subject: null, language: null };
  const wanted = typeof customer.attributes['language'] === 'string' ? (customer.attributes['language'] as string) : null;
  const language = pickLanguage(message.text, wanted);
  const variables = { name: customer.name, ...message.variables };
  try {
    const subjectTemplate = message.subject ? message.subject[language] ?? message.subject[pickLanguage(message.subject, language)] : undefined;
    return { message: fillTemplate(message.text[language]!, variables), subject: subjectTemplate ? fillTemplate(subjectTemplate, variables) : null, language };
  } catch (error) {
    throw new InputError([{ path: 'message', message: (error as Error).message }]);
  }
}
