// A small security pipeline assembled from soc-kit, run against the local Discord simulator:
// prefix commands change validated per-guild settings, a join-burst rule detects raids and a
// workflow times the raiders out, a distinct-users rule detects copy-paste spam, an anomaly scorer
// flags a user's message-rate spike, and every detection travels over the signal bus to an embed
// in #mod-log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Client,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  PermissionFlagsBits,
  type APIEmbed,
  type GuildMember,
  type Message,
} from 'discord.js';
import { z } from 'zod';
import {
  AnomalyScorer,
  ConfigError,
  configSignals,
  Correlator,
  createLoop,
  defineSignals,
  durationSetting,
  formatDuration,
  GuildConfig,
  guildConfigStoreSchema,
  JsonStore,
  noopLogger,
  runWorkflow,
  SignalBus,
  type Logger,
  type Severity,
} from '../../src/index.js';
import { createMockDiscord } from '../../src/testing/index.js';

/** Per-guild settings, changed with `!config set <key> <value>`. */
const settingsSchema = z.object({
  raidJoins: z
    .number()
    .int()
    .min(2)
    .max(100)
    .default(5)
    .describe('Joins within raidWindow that count as a raid'),
  raidWindow: durationSetting({ min: '1s', max: '1h' })
    .default(10_000)
    .describe('Window for counting joins'),
  raidTimeout: durationSetting({ min: '1m', max: '28d' })
    .default(600_000)
    .describe('Timeout given to raid accounts'),
  alerts: z.boolean().default(true).describe('Post alerts to #mod-log'),
});

const catalog = defineSignals({
  ...configSignals,
  RAID_DETECTED: z.object({ userIds: z.array(z.string()).min(1), windowMs: z.number() }),
  SPAM_DETECTED: z.object({ content: z.string(), userIds: z.array(z.string()).min(1) }),
  ANOMALY_DETECTED: z.object({
    userId: z.string(),
    metric: z.string(),
    value: z.number(),
    expected: z.number(),
    confidence: z.number().min(0).max(1),
  }),
});

const SEVERITY_COLOURS: Record<Severity, number> = {
  critical: 0xd32f2f,
  high: 0xf57c00,
  medium: 0xfbc02d,
  low: 0x1976d2,
  info: 0x607d8b,
};

/** What the quick start did, for the demo's summary and the test's assertions. */
export interface QuickstartResult {
  /** Embeds the bot posted to #mod-log, in order. */
  alerts: APIEmbed[];
  /** Text replies to `!config` commands, in order. */
  configReplies: string[];
  /** User ids the raid workflow timed out. */
  timedOut: string[];
  /** The settings persisted for the guild at the end. */
  storedSettings: Record<string, unknown>;
  /** Bus counters at the end. */
  signals: { emitted: number; handlerFailures: number };
}

interface JoinEvent {
  guildId: string;
  userId: string;
  timestamp: number;
}

interface ChatEvent {
  guildId: string;
  userId: string;
  content: string;
  timestamp: number;
}

/**
 * Runs the whole scenario offline and returns what happened.
 *
 * @param options - `logger` for progress lines (default silent).
 */
export async function runQuickstart(options: { logger?: Logger } = {}): Promise<QuickstartResult> {
  const logger = options.logger ?? noopLogger;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'soc-kit-quickstart-'));
  const discord = await createMockDiscord();
  const { guild, channels, users } = discord.fixtures;
  const client = new Client({
    ...discord.clientOptions,
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
    ],
  });
  const bus = new SignalBus({ catalog, logger });
  const store = await JsonStore.open({
    path: path.join(dataDir, 'guild-config.json'),
    schema: guildConfigStoreSchema,
    defaults: { guilds: {} },
    logger,
  });
  const config = new GuildConfig({ schema: settingsSchema, store, bus, logger });
  const configReplies: string[] = [];
  const timedOut: string[] = [];

  // Join-burst rules depend on per-guild settings, so each guild gets its own correlator, rebuilt
  // when a raid setting changes.
  const raidCorrelators = new Map<string, Correlator<JoinEvent>>();
  const raidCorrelator = (guildId: string): Correlator<JoinEvent> => {
    let correlator = raidCorrelators.get(guildId);
    if (correlator === undefined) {
      const settings = config.get(guildId);
      correlator = new Correlator<JoinEvent>({
        rules: [
          {
            name: 'join-burst',
            windowMs: settings.raidWindow,
            suppressMs: settings.raidWindow,
            condition: { type: 'count', atLeast: settings.raidJoins },
          },
        ],
      });
      raidCorrelators.set(guildId, correlator);
    }
    return correlator;
  };
  bus.subscribe('CONFIG_CHANGED', (signal) => {
    if (signal.guildId !== undefined) raidCorrelators.delete(signal.guildId);
  });

  const spamCorrelator = new Correlator<ChatEvent>({
    rules: [
      {
        name: 'copy-paste',
        groupBy: (event) => `${event.guildId}:${event.content.toLowerCase()}`,
        windowMs: 30_000,
        suppressMs: 60_000,
        condition: { type: 'distinct', field: 'userId', atLeast: 3 },
      },
    ],
  });

  // Every detection becomes an embed in #mod-log, unless the guild turned alerts off.
  const postAlert = async (
    guildId: string | undefined,
    severity: Severity,
    title: string,
    fields: Array<{ name: string; value: string; inline?: boolean }>,
  ): Promise<void> => {
    if (guildId === undefined || !config.get(guildId).alerts) return;
    const channel = await client.channels.fetch(channels.modLog.id);
    if (channel === null || !channel.isSendable()) return;
    const embed = new EmbedBuilder()
      .setTitle(title)
      .setColor(SEVERITY_COLOURS[severity])
      .addFields(fields)
      .setFooter({ text: `severity ${severity}` });
    await channel.send({ embeds: [embed], allowedMentions: { parse: [] } });
  };
  bus.subscribe('RAID_DETECTED', (signal) =>
    postAlert(signal.guildId, signal.severity, 'Raid detected', [
      { name: 'Accounts', value: signal.data.userIds.map((id) => `<@${id}>`).join(' ') },
      { name: 'Joined within', value: formatDuration(signal.data.windowMs), inline: true },
    ]),
  );
  bus.subscribe('SPAM_DETECTED', (signal) =>
    postAlert(signal.guildId, signal.severity, 'Copy-paste spam', [
      { name: 'Message', value: signal.data.content.slice(0, 1024) },
      { name: 'Senders', value: String(signal.data.userIds.length), inline: true },
    ]),
  );
  bus.subscribe('ANOMALY_DETECTED', (signal) =>
    postAlert(signal.guildId, signal.severity, 'Unusual activity', [
      { name: 'Member', value: `<@${signal.data.userId}>`, inline: true },
      { name: 'Metric', value: signal.data.metric, inline: true },
      {
        name: 'Observed / expected',
        value: `${signal.data.value} / ${signal.data.expected.toFixed(1)}`,
        inline: true,
      },
      { name: 'Confidence', value: signal.data.confidence.toFixed(3), inline: true },
    ]),
  );

  // A raid runs a short workflow: time the accounts out (optional: a failure still reports).
  bus.subscribe('RAID_DETECTED', async (signal) => {
    const guildId = signal.guildId;
    if (guildId === undefined) return;
    const result = await runWorkflow(
      [
        {
          name: 'timeout',
          optional: true,
          retries: 1,
          run: async () => {
            const target = await client.guilds.fetch(guildId);
            const duration = config.get(guildId).raidTimeout;
            for (const userId of signal.data.userIds) {
              const member = await target.members.fetch(userId);
              await member.timeout(duration, 'soc-kit quick start: join burst');
              timedOut.push(userId);
            }
          },
        },
      ],
      undefined,
      { timeoutMs: 5_000 },
    );
    logger.info({ status: result.status }, 'raid workflow finished');
  });

  client.on(Events.GuildMemberAdd, (member: GuildMember) => {
    const event = { guildId: member.guild.id, userId: member.id, timestamp: Date.now() };
    for (const match of raidCorrelator(event.guildId).push(event)) {
      void bus
        .emit(
          'RAID_DETECTED',
          {
            userIds: match.events.map((e) => e.userId),
            windowMs: config.get(event.guildId).raidWindow,
          },
          { severity: 'critical', source: 'RaidGuard', guildId: event.guildId },
        )
        .catch((error: unknown) => logger.error({ err: error }, 'RAID_DETECTED refused'));
    }
  });

  client.on(Events.MessageCreate, async (message: Message) => {
    if (message.author.bot || message.guildId === null) return;
    if (message.content.startsWith('!config')) {
      const reply = await handleConfigCommand(message, config);
      configReplies.push(reply);
      await message.reply({ content: reply, allowedMentions: { parse: [] } });
      return;
    }
    const event = {
      guildId: message.guildId,
      userId: message.author.id,
      content: message.content,
      timestamp: message.createdTimestamp,
    };
    for (const match of spamCorrelator.push(event)) {
      await bus.emit(
        'SPAM_DETECTED',
        { content: event.content, userIds: [...new Set(match.events.map((e) => e.userId))] },
        { severity: 'high', source: 'SpamGuard', guildId: event.guildId },
      );
    }
  });

  // Housekeeping runs in the background; stop() waits for a run in flight.
  const housekeeping = createLoop(
    () => logger.debug({ emitted: bus.stats().emitted }, 'housekeeping'),
    { intervalMs: 60_000, runOnStart: true },
  );

  try {
    await discord.login(client);
    housekeeping.start();
    logger.info({ guild: guild.name }, 'bot is online (offline simulator)');

    // 1. Settings: an owner tightens the raid rule; a member without Manage Server is refused; a
    //    typo gets a "did you mean".
    const say = async (author: string, content: string): Promise<void> => {
      const from = discord.requests.length;
      discord.sendMessage({ author, channel: channels.general, content });
      await discord.waitForRequest(
        { method: 'POST', route: '/channels/:channelId/messages' },
        { after: from },
      );
    };
    await say(users.owner.id, '!config set raidJoins 3');
    await say(users.bob.id, '!config set alerts off');
    await say(users.owner.id, '!config set raidjoin lots');
    await say(users.owner.id, '!config set raidWindow 20s');

    // 2. Raid: three fresh accounts join within seconds.
    let from = discord.requests.length;
    for (const name of ['fresh_1', 'fresh_2', 'fresh_3']) {
      discord.memberJoin({ user: discord.addUser({ username: name }) });
    }
    await discord.waitForRequest(
      (r) =>
        r.route === '/channels/:channelId/messages' && r.params['channelId'] === channels.modLog.id,
      { after: from },
    );
    await discord.waitForRequest(
      { method: 'PATCH', route: '/guilds/:guildId/members/:userId' },
      { after: from },
    );

    // 3. Spam: the same link from three different members.
    from = discord.requests.length;
    const spam = 'free nitro at example.invalid/claim';
    for (const user of [users.alice, users.bob, users.owner]) {
      discord.sendMessage({ author: user, channel: channels.general, content: spam });
    }
    await discord.waitForRequest(
      (r) =>
        r.route === '/channels/:channelId/messages' && r.params['channelId'] === channels.modLog.id,
      { after: from },
    );

    // 4. Anomaly: eight days of bob's hourly message counts, then a burst one evening. The scorer
    //    starts from the guild's typical member as a prior instead of waiting out a grace period,
    //    and learns that evenings are busier than nights.
    const scorer = new AnomalyScorer({
      prior: { mean: 4, variance: 8, weight: 24 },
      direction: 'up',
      budget: { falseAlerts: 1, streams: 1_000, pointsPerStream: 24 },
    });
    const start = Date.UTC(2026, 0, 5);
    const hourly = [...typicalHourlyCounts(24 * 7 + 20), 42];
    from = discord.requests.length;
    for (const [hour, count] of hourly.entries()) {
      const score = scorer.update(count, start + hour * 3_600_000);
      if (!score.anomalous) continue;
      await bus.emit(
        'ANOMALY_DETECTED',
        {
          userId: users.bob.id,
          metric: 'messages per hour',
          value: count,
          expected: score.expected,
          confidence: score.confidence,
        },
        { severity: 'high', source: 'AnomalyDetector', guildId: guild.id },
      );
    }
    await discord.waitForRequest(
      (r) =>
        r.route === '/channels/:channelId/messages' && r.params['channelId'] === channels.modLog.id,
      { after: from },
    );

    const alerts = discord.messages(channels.modLog).flatMap((message) => message.embeds ?? []);
    const stats = bus.stats();
    return {
      alerts,
      configReplies,
      timedOut,
      storedSettings: { ...store.get().guilds[guild.id] },
      signals: { emitted: stats.emitted, handlerFailures: stats.failed },
    };
  } finally {
    await housekeeping.stop();
    await client.destroy();
    await bus.close();
    await store.close();
    await discord.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function handleConfigCommand(
  message: Message,
  config: GuildConfig<typeof settingsSchema>,
): Promise<string> {
  const [, action, key, ...rest] = message.content.trim().split(/\s+/);
  const guildId = message.guildId;
  if (guildId === null) return 'This command only works in a server.';
  // Hiding a command is not enough: check the caller's permissions every time.
  if (message.member?.permissions.has(PermissionFlagsBits.ManageGuild) !== true) {
    return 'You need the Manage Server permission to change settings.';
  }
  if (action !== 'set' || key === undefined || rest.length === 0) {
    return 'Usage: !config set <key> <value>';
  }
  try {
    const value = await config.set(guildId, key, rest.join(' '));
    return `Set ${key} to ${JSON.stringify(value)}.`;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/** Deterministic hourly message counts: quiet nights, busier evenings. */
function typicalHourlyCounts(hours: number): number[] {
  const counts: number[] = [];
  for (let hour = 0; hour < hours; hour += 1) {
    const hourOfDay = hour % 24;
    const base = hourOfDay < 7 ? 1 : hourOfDay >= 18 ? 7 : 4;
    counts.push(base + ((hour * 7) % 3) - 1);
  }
  return counts;
}
