import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
} from 'discord-api-types/v10';
import type {
  GatewayDispatchPayload,
  GatewayHeartbeatAck,
  GatewayHello,
  GatewayInvalidSession,
  GatewayReceivePayload,
  GatewayReconnect,
  GatewayRequestGuildMembersData,
  GatewaySendPayload,
} from 'discord-api-types/v10';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Clock, Logger } from '../core/index.js';
import type { MockState } from './state.js';

/** Selects a dispatch payload by its event name (used by {@link DispatchData}). */
export interface DispatchKey<E extends GatewayDispatchEvents> {
  /** The event name. */
  t: E;
}

/** The `d` of the dispatch payload whose `t` is `E`, e.g. `APIMessage`-like data for MESSAGE_CREATE. */
export type DispatchData<E extends GatewayDispatchEvents> = Extract<
  GatewayDispatchPayload,
  DispatchKey<E>
>['d'];

/** Fields every {@link GatewayLogEntry} has. */
export interface GatewayLogBase {
  /** When it happened (simulator clock, epoch ms). */
  time: number;
}

/** A client opened a gateway connection. */
export interface GatewayConnectEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'connect';
}

/** A client identified (op 2) and got a new session. */
export interface GatewayIdentifyEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'identify';
  /** The new session's id. */
  sessionId: string;
  /** Intents bitfield the client asked for. */
  intents: number;
  /** `[shard_id, shard_count]` the client sent, if any. */
  shard: readonly [number, number] | undefined;
}

/** A client resumed (op 6) a session. */
export interface GatewayResumeEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'resume';
  /** The resumed session. */
  sessionId: string;
  /** Last sequence number the client had seen. */
  seq: number;
  /** How many missed dispatches were replayed. */
  replayed: number;
}

/** A resume was refused with op 9 (Invalid Session). */
export interface GatewayInvalidSessionEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'invalid-session';
  /** Why it was refused. */
  reason: string;
}

/** A heartbeat (op 1) arrived and was ACKed. */
export interface GatewayHeartbeatEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'heartbeat';
  /** The sequence number the client sent. */
  seq: number | null;
}

/** A dispatch (op 0) was sent, or queued for a disconnected session. */
export interface GatewayDispatchEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'dispatch';
  /** Receiving session. */
  sessionId: string;
  /** Event name. */
  event: GatewayDispatchEvents;
  /** Sequence number within the session (1, 2, 3, ... without gaps). */
  seq: number;
  /** `false` when the session was disconnected; it gets the event on resume. */
  delivered: boolean;
}

/** A gateway connection closed. */
export interface GatewayCloseEntry extends GatewayLogBase {
  /** Entry kind. */
  type: 'close';
  /** Close code (1006 for an abrupt drop). */
  code: number;
  /** Who closed it. */
  by: 'client' | 'server';
  /** The session on the connection, if it had identified or resumed. */
  sessionId: string | undefined;
}

/** Something that happened on the simulated gateway, kept in {@link MockDiscord.gatewayLog}. */
export type GatewayLogEntry =
  | GatewayConnectEntry
  | GatewayIdentifyEntry
  | GatewayResumeEntry
  | GatewayInvalidSessionEntry
  | GatewayHeartbeatEntry
  | GatewayDispatchEntry
  | GatewayCloseEntry;

/** How a dispatch is filtered and shaped per session. */
export interface DispatchRoute {
  /** Intent bit the session must have to receive the event; `null` for always. */
  intent: number | null;
  /** Rewrites the payload for sessions without the MessageContent intent. */
  withoutMessageContent?: (data: unknown) => unknown;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  backlog: GatewayDispatchPayload[];
  socket: WebSocket | null;
}

const BACKLOG_LIMIT = 1000;

/** Options of {@link GatewayServer}. */
export interface GatewayServerOptions {
  state: MockState;
  token: string;
  clock: Clock;
  logger: Logger;
  heartbeatIntervalMs: number;
  enforceIntents: boolean;
  url: () => string;
}

/** The simulated WebSocket gateway (JSON encoding, no compression). */
export class GatewayServer {
  readonly log: GatewayLogEntry[] = [];
  readonly #wss = new WebSocketServer({ noServer: true, clientTracking: true });
  readonly #sessions = new Map<string, Session>();
  readonly #sessionOf = new WeakMap<WebSocket, Session>();
  readonly #options: GatewayServerOptions;
  #closed = false;

  constructor(options: GatewayServerOptions) {
    this.#options = options;
    this.#wss.on('connection', (socket) => {
      this.#onConnection(socket);
    });
  }

  /** Number of open gateway connections. */
  get connectionCount(): number {
    return this.#wss.clients.size;
  }

  /** Sessions that identified and have a live connection. */
  get liveSessionCount(): number {
    let count = 0;
    for (const session of this.#sessions.values()) if (session.socket !== null) count += 1;
    return count;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      this.#wss.emit('connection', ws, request);
    });
  }

  dispatch<E extends GatewayDispatchEvents>(
    event: E,
    data: DispatchData<E>,
    route: DispatchRoute,
  ): number {
    let delivered = 0;
    for (const session of this.#sessions.values()) {
      if (
        this.#options.enforceIntents &&
        route.intent !== null &&
        (session.intents & route.intent) === 0
      ) {
        continue;
      }
      const shaped =
        route.withoutMessageContent !== undefined &&
        this.#options.enforceIntents &&
        (session.intents & GatewayIntentBits.MessageContent) === 0
          ? route.withoutMessageContent(data)
          : data;
      if (this.#send(session, event, shaped)) delivered += 1;
    }
    return delivered;
  }

  /** Closes every live connection (sessions stay resumable). */
  drop(code: number, abrupt: boolean): number {
    let dropped = 0;
    for (const socket of this.#wss.clients) {
      const session = this.#sessionOf.get(socket);
      this.#detach(socket);
      this.#record({
        type: 'close',
        time: this.#now(),
        code: abrupt ? 1006 : code,
        by: 'server',
        sessionId: session?.id,
      });
      if (abrupt) socket.terminate();
      else socket.close(code, 'mock-discord: dropped on purpose');
      dropped += 1;
    }
    return dropped;
  }

  /** Asks every live connection to reconnect and resume (op 7). */
  requestReconnect(): void {
    for (const socket of this.#wss.clients) {
      const reconnect: GatewayReconnect = {
        op: GatewayOpcodes.Reconnect,
        d: undefined,
        s: null,
        t: null,
      };
      this.#sendRaw(socket, reconnect);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const socket of this.#wss.clients) {
      this.#detach(socket);
      socket.terminate();
    }
    this.#sessions.clear();
    await new Promise<void>((resolve) => {
      this.#wss.close(() => {
        resolve();
      });
    });
  }

  #now(): number {
    return this.#options.clock.now();
  }

  #record(entry: GatewayLogEntry): void {
    this.log.push(entry);
    this.#options.logger.debug(
      { component: 'MockDiscordGateway', ...entry },
      `gateway ${entry.type}`,
    );
  }

  #onConnection(socket: WebSocket): void {
    this.#record({ type: 'connect', time: this.#now() });
    socket.on('message', (raw, isBinary) => {
      if (isBinary) {
        socket.close(GatewayCloseCodes.DecodeError, 'mock-discord speaks JSON text frames only');
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(rawToString(raw)) as unknown;
      } catch {
        socket.close(GatewayCloseCodes.DecodeError, 'invalid JSON');
        return;
      }
      if (!isSendPayload(payload)) {
        socket.close(GatewayCloseCodes.DecodeError, 'expected an object with a numeric op and d');
        return;
      }
      try {
        this.#onPayload(socket, payload);
      } catch (error) {
        // A frame of the right op but with a malformed `d` (a buggy client): Discord answers with
        // a decode error; a throw here would escape the ws listener and crash the test process.
        this.#options.logger.warn(
          { component: 'MockDiscordGateway', err: error, op: payload.op },
          'malformed gateway payload',
        );
        socket.close(GatewayCloseCodes.DecodeError, `malformed payload for op ${payload.op}`);
      }
    });
    socket.on('close', (code) => {
      const session = this.#sessionOf.get(socket);
      if (session !== undefined) {
        this.#detach(socket);
        this.#record({
          type: 'close',
          time: this.#now(),
          code,
          by: 'client',
          sessionId: session.id,
        });
        // As on Discord, a normal close (1000/1001) ends the session; other codes keep it resumable.
        if ((code === 1000 || code === 1001) && session.socket === null) {
          this.#sessions.delete(session.id);
        }
      }
    });
    socket.on('error', (error) => {
      this.#options.logger.warn(
        { component: 'MockDiscordGateway', err: error },
        'gateway socket error',
      );
    });
    const hello: GatewayHello = {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.#options.heartbeatIntervalMs },
      s: null,
      t: null,
    };
    this.#sendRaw(socket, hello);
  }

  #onPayload(socket: WebSocket, payload: GatewaySendPayload): void {
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat: {
        this.#record({ type: 'heartbeat', time: this.#now(), seq: payload.d });
        const ack: GatewayHeartbeatAck = {
          op: GatewayOpcodes.HeartbeatAck,
          d: undefined,
          s: null,
          t: null,
        };
        this.#sendRaw(socket, ack);
        return;
      }
      case GatewayOpcodes.Identify: {
        if (typeof payload.d.token !== 'string' || typeof payload.d.intents !== 'number') {
          throw new TypeError('IDENTIFY needs a string token and numeric intents');
        }
        if (this.#sessionOf.has(socket)) {
          socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'already identified');
          return;
        }
        if (payload.d.token.replace(/^Bot\s+/i, '') !== this.#options.token) {
          socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        const session: Session = {
          id: this.#options.state.ids.next(),
          intents: payload.d.intents,
          seq: 0,
          backlog: [],
          socket,
        };
        this.#sessions.set(session.id, session);
        this.#sessionOf.set(socket, session);
        this.#record({
          type: 'identify',
          time: this.#now(),
          sessionId: session.id,
          intents: session.intents,
          shard: payload.d.shard,
        });
        this.#sendReady(session, payload.d.shard);
        return;
      }
      case GatewayOpcodes.Resume: {
        const { session_id: sessionId, token, seq } = payload.d;
        if (typeof sessionId !== 'string' || typeof token !== 'string' || typeof seq !== 'number') {
          throw new TypeError('RESUME needs a string session_id and token and a numeric seq');
        }
        const session = this.#sessions.get(sessionId);
        // The backlog is bounded: if events after `seq` were already dropped from it, a resume
        // would silently lose them, so refuse it as Discord does and make the client identify.
        const oldest = session?.backlog[0]?.s;
        const reason =
          session === undefined || token.replace(/^Bot\s+/i, '') !== this.#options.token
            ? 'unknown session or token'
            : oldest !== undefined && oldest > seq + 1
              ? `seq ${seq} is older than the replay backlog (from ${oldest})`
              : undefined;
        if (session === undefined || reason !== undefined) {
          this.#record({ type: 'invalid-session', time: this.#now(), reason: reason ?? '' });
          const invalid: GatewayInvalidSession = {
            op: GatewayOpcodes.InvalidSession,
            d: false,
            s: null,
            t: null,
          };
          this.#sendRaw(socket, invalid);
          return;
        }
        if (session.socket !== null && session.socket !== socket) {
          const old = session.socket;
          this.#detach(old);
          old.terminate();
        }
        session.socket = socket;
        this.#sessionOf.set(socket, session);
        const missed = session.backlog.filter((p) => p.s > seq);
        for (const missedPayload of missed) this.#sendRaw(socket, missedPayload);
        this.#record({
          type: 'resume',
          time: this.#now(),
          sessionId: session.id,
          seq,
          replayed: missed.length,
        });
        this.#send(session, GatewayDispatchEvents.Resumed, undefined);
        return;
      }
      case GatewayOpcodes.RequestGuildMembers: {
        const session = this.#sessionOf.get(socket);
        if (session === undefined) {
          socket.close(GatewayCloseCodes.NotAuthenticated, 'not identified');
          return;
        }
        this.#sendMembersChunk(session, payload.d);
        return;
      }
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!this.#sessionOf.has(socket)) {
          socket.close(GatewayCloseCodes.NotAuthenticated, 'not identified');
        }
        return;
      default:
        socket.close(GatewayCloseCodes.UnknownOpcode, 'unknown opcode');
    }
  }

  #sendReady(session: Session, shard: readonly [number, number] | undefined): void {
    const { state } = this.#options;
    const guilds = [...state.guilds.values()];
    this.#send(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user: state.bot,
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.#options.url(),
      ...(shard === undefined ? {} : { shard: [shard[0], shard[1]] as [number, number] }),
      application: { id: state.applicationId, flags: 0, flags_new: '0' },
    });
    if ((session.intents & GatewayIntentBits.Guilds) === 0 && this.#options.enforceIntents) return;
    for (const guild of guilds) {
      this.#send(session, GatewayDispatchEvents.GuildCreate, state.guildCreate(guild));
    }
  }

  #sendMembersChunk(session: Session, request: GatewayRequestGuildMembersData): void {
    const { state } = this.#options;
    const guild = state.guilds.get(request.guild_id);
    if (guild === undefined) return;
    let members = [...guild.members.values()];
    let notFound: string[] = [];
    if ('user_ids' in request) {
      const wanted = Array.isArray(request.user_ids) ? request.user_ids : [request.user_ids];
      members = members.filter((m) => wanted.includes(m.userId));
      notFound = wanted.filter((id) => !guild.members.has(id));
    } else {
      const query = request.query.toLowerCase();
      members = members.filter((m) =>
        state.user(m.userId).username.toLowerCase().startsWith(query),
      );
      if (request.limit > 0) members = members.slice(0, request.limit);
    }
    this.#send(session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: guild.id,
      members: members.map((m) => state.apiMember(guild, m)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: notFound,
      ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    });
  }

  #send(session: Session, event: GatewayDispatchEvents, data: unknown): boolean {
    session.seq += 1;
    // The event/data pairing is checked by the typed public `dispatch`; here they travel together.
    const payload = {
      op: GatewayOpcodes.Dispatch,
      t: event,
      s: session.seq,
      d: data,
    } as GatewayDispatchPayload;
    session.backlog.push(payload);
    if (session.backlog.length > BACKLOG_LIMIT) session.backlog.shift();
    const delivered = session.socket !== null;
    if (session.socket !== null) this.#sendRaw(session.socket, payload);
    this.#record({
      type: 'dispatch',
      time: this.#now(),
      sessionId: session.id,
      event,
      seq: session.seq,
      delivered,
    });
    return delivered;
  }

  #sendRaw(socket: WebSocket, payload: GatewayReceivePayload): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  #detach(socket: WebSocket): void {
    const session = this.#sessionOf.get(socket);
    this.#sessionOf.delete(socket);
    if (session !== undefined && session.socket === socket) session.socket = null;
  }
}

/** A JSON object with a numeric `op`, the least every client frame must be. */
function isSendPayload(value: unknown): value is GatewaySendPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { op?: unknown }).op === 'number'
  );
}

function rawToString(raw: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}
