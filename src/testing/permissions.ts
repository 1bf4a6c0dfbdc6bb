import { OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIOverwrite, APIRole } from 'discord-api-types/v10';
import { MockDiscordError } from './mock-discord-error.js';

/** A permission flag name from discord-api-types, e.g. `'KickMembers'`. */
export type PermissionName = keyof typeof PermissionFlagsBits;

/**
 * Permissions given to a simulated role: a bitfield (`bigint` or its decimal string, as Discord
 * sends it) or a list of flag names.
 */
export type PermissionInput = bigint | string | readonly PermissionName[];

/** Every permission bit discord-api-types knows, OR-ed together. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce(
  (all, bit) => all | bit,
  0n,
);

/** Converts a {@link PermissionInput} to a bitfield; unknown names are reported, not dropped. */
export function resolvePermissions(input: PermissionInput): bigint {
  if (typeof input === 'bigint') return input;
  if (typeof input === 'string') {
    if (!/^\d+$/.test(input)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `permissions must be a bigint, a decimal bitfield string or a list of flag names, got "${input}"`,
      );
    }
    return BigInt(input);
  }
  let bits = 0n;
  for (const name of input) {
    const bit = (PermissionFlagsBits as Record<string, bigint | undefined>)[name];
    if (bit === undefined) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `unknown permission name "${name}"; expected a key of PermissionFlagsBits such as "KickMembers"`,
      );
    }
    bits |= bit;
  }
  return bits;
}

/** What {@link computePermissions} needs to know about a member and where they are. */
export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  userId: string;
  memberRoleIds: readonly string[];
  roles: ReadonlyMap<string, APIRole>;
  overwrites?: readonly APIOverwrite[] | undefined;
}

/**
 * Discord's permission algorithm: the owner and Administrator get everything; otherwise the
 * base is @everyone plus the member's roles, then channel overwrites apply in order @everyone,
 * roles (denies before allows), member.
 */
export function computePermissions(subject: PermissionSubject): bigint {
  if (subject.userId === subject.ownerId) return ALL_PERMISSIONS;
  let base = BigInt(subject.roles.get(subject.guildId)?.permissions ?? '0');
  for (const roleId of subject.memberRoleIds) {
    const role = subject.roles.get(roleId);
    if (role !== undefined) base |= BigInt(role.permissions);
  }
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  const overwrites = subject.overwrites ?? [];
  if (overwrites.length === 0) return base;

  const everyone = overwrites.find((o) => o.id === subject.guildId);
  if (everyone !== undefined) base = (base & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.type === OverwriteType.Role && subject.memberRoleIds.includes(overwrite.id)) {
      allow |= BigInt(overwrite.allow);
      deny |= BigInt(overwrite.deny);
    }
  }
  base = (base & ~deny) | allow;
  const own = overwrites.find((o) => o.type === OverwriteType.Member && o.id === subject.userId);
  if (own !== undefined) base = (base & ~BigInt(own.deny)) | BigInt(own.allow);
  return base;
}
