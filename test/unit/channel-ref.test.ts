import { describe, expect, it } from 'vitest';
import { ChannelRefError, parseChannelRef } from '../../services/channels/ref.ts';

describe('parseChannelRef', () => {
  it.each([
    ['@Rybar', 'rybar'],
    ['rybar', 'rybar'],
    ['t.me/rybar', 'rybar'],
    ['https://t.me/rybar', 'rybar'],
    ['https://t.me/s/rybar', 'rybar'],
    ['https://t.me/rybar/61512', 'rybar'],
    ['https://t.me/s/rybar?before=100', 'rybar'],
    ['http://telegram.me/War_Monitor_UA', 'war_monitor_ua'],
    ['  @rybar  ', 'rybar'],
    ['tg://resolve?domain=rybar', 'rybar'],
  ])('reads %s as @%s', (input, expected) => {
    expect(parseChannelRef(input)).toBe(expected);
  });

  it.each([
    ['https://t.me/+AbCdEf123', /private invite link/],
    ['https://t.me/joinchat/AbCdEf', /private invite link/],
    ['https://t.me/c/1234567/89', /private channel by id/],
    ['@abc', /not a channel username/], // too short
    ['@1rybar', /not a channel username/], // starts with a digit
    ['@rybar_', /not a channel username/],
    ['@ry__bar', /not a channel username/],
    ['', /empty/],
    ['https://example.org/rybar', /not a channel username/],
  ])('refuses %s', (input, message) => {
    expect(() => parseChannelRef(input)).toThrow(ChannelRefError);
    expect(() => parseChannelRef(input)).toThrow(message);
  });
});
