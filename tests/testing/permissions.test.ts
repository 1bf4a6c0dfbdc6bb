import { OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIRole } from 'discord-api-types/v10';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MockDiscordError } from '../../src/testing/index.js';
import {
  ALL_PERMISSIONS,
  computePermissions,
  resolvePermissions,
} from '../../src/testing/permissions.js';

const GUILD = '100';
const role = (id: string, permissions: bigint, position = 1): APIRole =>
  ({ id, name: id, permissions: permissions.toString(), position }) as APIRole;
const roles = new Map<string, APIRole>([
  [GUILD, role(GUILD, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages, 0)],
  ['mod', role('mod', PermissionFlagsBits.KickMembers)],
  ['admin', role('admin', PermissionFlagsBits.Administrator)],
]);
const subject = (extra: Partial<Parameters<typeof computePermissions>[0]> = {}) => ({
  guildId: GUILD,
  ownerId: 'owner',
  userId: 'u1',
  memberRoleIds: [] as string[],
  roles,
  ...extra,
});

describe('resolvePermissions', () => {
  it('accepts bigints, decimal strings and flag names', () => {
    expect(resolvePermissions(8n)).toBe(8n);
    expect(resolvePermissions('8192')).toBe(PermissionFlagsBits.ManageMessages);
    expect(resolvePermissions(['KickMembers', 'BanMembers'])).toBe(
      PermissionFlagsBits.KickMembers | PermissionFlagsBits.BanMembers,
    );
  });

  it('rejects malformed input with MOCK_DISCORD_INVALID_INPUT', () => {
    expect(() => resolvePermissions('0x8')).toThrow(MockDiscordError);
    expect(() => resolvePermissions(['Kick' as never])).toThrow(/unknown permission name "Kick"/);
  });
});

describe('computePermissions', () => {
  it('combines @everyone and member roles', () => {
    const perms = computePermissions(subject({ memberRoleIds: ['mod'] }));
    expect(perms & PermissionFlagsBits.KickMembers).toBe(PermissionFlagsBits.KickMembers);
    expect(perms & PermissionFlagsBits.SendMessages).toBe(PermissionFlagsBits.SendMessages);
    expect(perms & PermissionFlagsBits.BanMembers).toBe(0n);
  });

  it('gives the owner and Administrator everything, overwrites notwithstanding', () => {
    const deny = [
      { id: GUILD, type: OverwriteType.Role, allow: '0', deny: ALL_PERMISSIONS.toString() },
    ];
    expect(computePermissions(subject({ userId: 'owner', overwrites: deny }))).toBe(
      ALL_PERMISSIONS,
    );
    expect(computePermissions(subject({ memberRoleIds: ['admin'], overwrites: deny }))).toBe(
      ALL_PERMISSIONS,
    );
  });

  it('applies overwrites in Discord order: @everyone, roles, member', () => {
    const send = PermissionFlagsBits.SendMessages;
    const base = subject({ memberRoleIds: ['mod'] });
    const everyoneDeny = [
      { id: GUILD, type: OverwriteType.Role, allow: '0', deny: send.toString() },
    ];
    expect(computePermissions({ ...base, overwrites: everyoneDeny }) & send).toBe(0n);
    const roleAllow = [
      ...everyoneDeny,
      { id: 'mod', type: OverwriteType.Role, allow: send.toString(), deny: '0' },
    ];
    expect(computePermissions({ ...base, overwrites: roleAllow }) & send).toBe(send);
    const memberDeny = [
      ...roleAllow,
      { id: 'u1', type: OverwriteType.Member, allow: '0', deny: send.toString() },
    ];
    expect(computePermissions({ ...base, overwrites: memberDeny }) & send).toBe(0n);
    // Overwrites of roles the member does not have do not apply.
    const otherRole = [
      { id: 'other', type: OverwriteType.Role, allow: '0', deny: send.toString() },
    ];
    expect(computePermissions({ ...base, overwrites: otherRole }) & send).toBe(send);
  });

  it('property: a member overwrite always has the last word (non-admin, non-owner)', () => {
    const bits = Object.values(PermissionFlagsBits).filter(
      (b) => b !== PermissionFlagsBits.Administrator,
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...bits),
        fc.boolean(),
        fc.subarray(['mod']),
        (bit, allow, memberRoles) => {
          const overwrites = [
            {
              id: GUILD,
              type: OverwriteType.Role,
              allow: allow ? '0' : bit.toString(),
              deny: allow ? bit.toString() : '0',
            },
            {
              id: 'u1',
              type: OverwriteType.Member,
              allow: allow ? bit.toString() : '0',
              deny: allow ? '0' : bit.toString(),
            },
          ];
          const perms = computePermissions(subject({ memberRoleIds: memberRoles, overwrites }));
          return ((perms & bit) !== 0n) === allow;
        },
      ),
    );
  });
});
