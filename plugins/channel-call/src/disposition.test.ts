import { describe, expect, it } from 'vitest';
import { DISPOSITION_STATUS, dispositionDetail, parseDisposition } from './disposition.js';

const parse = (body: unknown) => parseDisposition(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

describe('call dispositions', () => {
  it('maps reached, unreached and wrong numbers to delivery statuses', () => {
    expect(DISPOSITION_STATUS).toEqual({
      accepted: 'delivered', declined: 'delivered', callback: 'delivered', do_not_call: 'delivered',
      no_answer: 'failed', busy: 'failed', wrong_number: 'rejected',
    });
  });

  it('reads a disposition by contact id or message id, with the agent as text and the time as a date', () => {
    expect(parse({ contactId: 12, disposition: 'busy', agentId: 7, at: '2026-11-16T02:00:00Z', extra: true })).toEqual({
      disposition: { contactId: 12, disposition: 'busy', agentId: '7', at: new Date('2026-11-16T02:00:00Z') },
    });
    expect(parse({ messageId: 'contact-3', customerId: 5, msisdn: '13900000000', disposition: 'do_not_call', note: '投诉' })).toEqual({
      disposition: { messageId: 'contact-3', customerId: 5, msisdn: '13900000000', disposition: 'do_not_call', note: '投诉' },
    });
  });

  it('names what is wrong with a malformed one', () => {
    expect(parse('[1]')).toEqual({ problem: 'not a JSON object' });
    expect(parse({ disposition: 'busy' })).toEqual({ problem: 'names no contact (contactId or messageId)' });
    expect(parse({ contactId: '12', disposition: 'busy' })).toEqual({ problem: 'contactId must be a positive integer' });
    expect(parse({ contactId: 1, disposition: 'BUSY' })).toMatchObject({ problem: expect.stringContaining('got "BUSY"') });
    expect(parse({ contactId: 1, disposition: 'busy', at: 'yesterday' })).toEqual({ problem: 'at must be an ISO 8601 timestamp' });
    expect(parse({ contactId: 1, disposition: 'busy', customerId: 0 })).toEqual({ problem: 'customerId must be a positive integer' });
  });

  it('describes it for the contact detail', () => {
    expect(dispositionDetail({ contactId: 1, disposition: 'callback', agentId: 'A07', note: '18点后' })).toBe('callback by agent A07: 18点后');
    expect(dispositionDetail({ contactId: 1, disposition: 'no_answer' })).toBe('no_answer');
  });
});
