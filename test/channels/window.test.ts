import { describe, expect, it } from 'vitest';
import { HOUR, messagingWindow, pushChannelOf } from '../../src/channels/window.js';

const NOW = 1_800_000_000_000;

describe('messagingWindow', () => {
  it.each([
    ['messenger', 1, false, { can: true, how: 'messenger-update', until: NOW - HOUR + 24 * HOUR }],
    ['messenger', 1, true, { can: true, how: 'messenger-response', until: NOW - HOUR + 24 * HOUR }],
    ['messenger', 24, false, { can: false, why: 'window-closed' }],
    ['zalo', 47, false, { can: true, how: 'zalo-cs-free', until: NOW + HOUR }],
    ['zalo', 48, false, { can: true, how: 'zalo-cs-paid', until: NOW - 48 * HOUR + 7 * 24 * HOUR }],
    ['zalo', 7 * 24, false, { can: false, why: 'window-closed' }],
    ['web', 0, false, { can: true, how: 'web-mailbox', until: NOW + 30 * 24 * HOUR }],
    ['web', 29 * 24, false, { can: true, how: 'web-mailbox', until: NOW + 24 * HOUR }],
    ['web', 30 * 24, false, { can: false, why: 'window-closed' }],
    ['botframework', 0, false, { can: false, why: 'no-push-channel' }],
  ] as const)('%s, last wrote %i h ago (replying: %s)', (channel, hoursAgo, replying, expected) => {
    expect(messagingWindow(channel, { lastInbound: NOW - hoursAgo * HOUR }, NOW, replying)).toEqual(expected);
  });

  it('never reaches a resident who blocked us or never wrote', () => {
    expect(messagingWindow('zalo', { lastInbound: NOW, status: 'unreachable' }, NOW)).toEqual({ can: false, why: 'unreachable' });
    expect(messagingWindow('messenger', {}, NOW)).toEqual({ can: false, why: 'never-wrote' });
  });

  it('knows which residents are on a channel we write to first', () => {
    expect(['zalo:1', 'messenger:2', 'web:sim-3', 'botframework:4', 'webx:5', 'nocolon'].map(pushChannelOf)).toEqual(['zalo', 'messenger', 'web', undefined, undefined, undefined]);
  });
});
