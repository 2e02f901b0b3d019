// The TCP side: accepts connections, frames messages, runs each request and writes its reply.
import net from 'node:net';
import type { Document } from 'bson';
import type { CommandExecutor } from './commands';
import { MAX_MESSAGE_SIZE } from './commands';
import { COMMANDS_WITHOUT_AUTH, type ScramServer, type ScramSession } from './auth';
import { CommandError } from './errors';
import type { DevDbLogger } from './index';
import { EncodedDocument, FramingError, MessageFramer, OP_QUERY, ProtocolError, encodeMsgReply, encodeOpReply, parseMessage, type Reply, type Request } from './wire';

/** A reply computed but not sent yet: it waits for its group's commit. */
interface PendingReply {
  socket: net.Socket;
  bytes: Buffer;
  /** The same request answered with another document (when the group's commit fails). */
  encode(reply: Document): Buffer;
}

export class WireServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;
  /**
   * Group commit: commands that arrive in the same turn of the event loop (from every connection)
   * run one after the other in one SQLite transaction, committed with one fsync before any of their
   * replies leaves. Under concurrent load this turns N fsyncs into one; a lone command waits for
   * nothing but its own commit, as before.
   */
  private pending: PendingReply[] = [];
  private flushScheduled = false;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly logger: DevDbLogger,
    /** When set, every connection authenticates (SCRAM-SHA-256) before any other command. */
    private readonly scram?: ScramServer,
    /** busy[0]: when the command running now started (ms since epoch), 0 when idle; read by a watchdog. */
    private readonly busy?: Float64Array,
  ) {}

  /** Starts listening and resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'devdb listener error'));
        this.server = server;
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops listening and drops every connection, as a crashed or stopped mongod would. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const framer = new MessageFramer(MAX_MESSAGE_SIZE);
    const auth = this.scram?.session();
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.logger.debug?.({ err, connectionId }, 'devdb connection error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of framer.push(chunk)) {
          if (socket.destroyed) return;
          this.handle(socket, message, connectionId, auth);
        }
      } catch (err) {
        // Framing lost (impossible length, unknown opcode): nothing more on this stream can be trusted.
        const level = err instanceof FramingError ? 'warn' : 'error';
        this.logger[level]({ err, connectionId }, 'devdb closes a connection after an unreadable message');
        socket.destroy();
      }
    });
  }

  private handle(socket: net.Socket, message: Buffer, connectionId: number, auth: ScramSession | undefined): void {
    let request: Request;
    try {
      request = parseMessage(message);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.logger.warn({ err: err.message, connectionId }, 'devdb received a malformed message');
      const reply = { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName };
      const encode = (doc: Document): Buffer => (err.opCode === OP_QUERY ? encodeOpReply(err.requestId, doc) : encodeMsgReply(err.requestId, doc));
      // Queued behind the replies before it on this connection, so replies keep the order of requests.
      this.queue({ socket, bytes: encode(reply), encode });
      return;
    }
    if (request.opCode === OP_QUERY) {
      // Only commands travel over OP_QUERY nowadays (the first handshake): "<db>.$cmd".
      const db = request.collection.endsWith('.$cmd') ? request.collection.slice(0, -'.$cmd'.length) : undefined;
      const reply = db
        ? this.run(request.body, db, connectionId, auth)
        : { ok: 0, errmsg: 'OP_QUERY is only supported for commands', code: 352, codeName: 'UnsupportedOpQueryCommand' };
      const encode = (doc: Document): Buffer => encodeOpReply(request.requestId, doc);
      this.queue({ socket, bytes: encode(reply), encode });
      return;
    }
    const reply = this.run(request.body, undefined, connectionId, auth);
    const encode = (doc: Document): Buffer => encodeMsgReply(request.requestId, doc);
    // moreToCome: the client (an unacknowledged write) expects no reply; its write still joins the group.
    if (!request.moreToCome) this.queue({ socket, bytes: encode(reply), encode });
    else this.scheduleFlush();
  }

  /** Authentication first, then the command itself. */
  private run(body: Document, db: string | undefined, connectionId: number, auth: ScramSession | undefined): Reply {
    const name = Object.keys(body)[0] ?? '';
    const database = db ?? (typeof body.$db === 'string' ? body.$db : '');
    if (auth && this.scram) {
      try {
        if (name === 'saslStart') return auth.start(body, database);
        if (name === 'saslContinue') return auth.continue(body);
      } catch (err) {
        if (err instanceof CommandError) return err.toReply();
        throw err;
      }
      if (!auth.authenticated && !COMMANDS_WITHOUT_AUTH.has(name)) {
        return { ok: 0, errmsg: `Command ${name} requires authentication`, code: 13, codeName: 'Unauthorized' };
      }
      if (name === 'connectionStatus') {
        return {
          authInfo: {
            authenticatedUsers: auth.authenticated ? [{ user: auth.username, db: 'admin' }] : [],
            authenticatedUserRoles: auth.authenticated ? [{ role: 'root', db: 'admin' }] : [],
          },
          ok: 1,
        };
      }
    }
    if (this.busy) this.busy[0] = Date.now();
    let reply: Reply;
    try {
      reply = this.executor.execute(body, db, connectionId);
    } finally {
      if (this.busy) this.busy[0] = 0;
    }
    if (auth && this.scram && (name === 'hello' || name === 'isMaster' || name === 'ismaster') && !(reply instanceof EncodedDocument) && reply.ok === 1) {
      const mechanisms = this.scram.mechanismsFor(body.saslSupportedMechs);
      if (mechanisms) reply.saslSupportedMechs = mechanisms;
      const speculative = body.speculativeAuthenticate as Document | undefined;
      if (speculative && typeof speculative === 'object' && !auth.authenticated) {
        try {
          reply.speculativeAuthenticate = auth.start(speculative, typeof speculative.db === 'string' ? speculative.db : '');
        } catch {
          // the client then authenticates with saslStart
        }
      }
    }
    return reply;
  }

  private queue(reply: PendingReply): void {
    this.pending.push(reply);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: every request that came in with it joins the group.
    setImmediate(() => this.flush());
  }

  /** Commits the group, then sends its replies; a failed commit answers every request of the group with the error. */
  private flush(): void {
    this.flushScheduled = false;
    const replies = this.pending;
    this.pending = [];
    let failure: Document | undefined;
    try {
      if (this.busy) this.busy[0] = Date.now();
      this.executor.commit();
    } catch (err) {
      this.logger.error({ err }, 'devdb could not commit a group of commands');
      failure = { ok: 0, errmsg: `devdb could not commit: ${(err as Error).message}`, code: 1, codeName: 'InternalError' };
    } finally {
      if (this.busy) this.busy[0] = 0;
    }
    for (const reply of replies) {
      if (!reply.socket.destroyed) reply.socket.write(failure ? reply.encode(failure) : reply.bytes);
    }
  }
}
