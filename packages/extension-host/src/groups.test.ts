import { describe, expect, it } from 'vitest';
import { groupOf, parsePluginGroups } from './groups.js';

describe('plugin groups', () => {
  it('reads WEIXI_EXTENSION_HOST_GROUPS: one host, one per plugin, or named groups by id patterns', () => {
    expect(parsePluginGroups(undefined)).toBe('one');
    expect(parsePluginGroups('  ')).toBe('one');
    expect(parsePluginGroups('each')).toBe('each');
    expect(parsePluginGroups('channels=channel-*; partners = acme-*,tactic-club-activities;')).toEqual([
      { name: 'channels', patterns: ['channel-*'] },
      { name: 'partners', patterns: ['acme-*', 'tactic-club-activities'] },
    ]);
  });

  it('refuses a malformed value, naming the part', () => {
    expect(() => parsePluginGroups('channels')).toThrow(/'channels' is not name=pattern/);
    expect(() => parsePluginGroups('Channels=channel-*')).toThrow(/'Channels=channel-\*'/);
    expect(() => parsePluginGroups('a=b=c')).toThrow(/'a=b=c'/);
  });

  it('puts a plugin in the first group with a matching pattern, else in the default one', () => {
    const groups = parsePluginGroups('channels=channel-*;partners=acme-*,tactic-club-activities;all=*');
    expect(groupOf(groups, 'channel-sms')).toBe('channels');
    expect(groupOf(groups, 'tactic-club-activities')).toBe('partners');
    expect(groupOf(groups, 'tactic-club-activities-2')).toBe('all');
    expect(groupOf(parsePluginGroups('channels=channel-*'), 'warning-arrears')).toBe('default');
    // Only `*` is special: a dot in a pattern is a dot.
    expect(groupOf(parsePluginGroups('odd=a.c'), 'abc')).toBe('default');
    expect(groupOf('each', 'warning-arrears')).toBe('warning-arrears');
    expect(groupOf('one', 'warning-arrears')).toBe('default');
  });
});
