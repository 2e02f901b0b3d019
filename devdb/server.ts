// The TCP side: accepts connections, frames messages, runs each request and writes its reply.
import net from 'node:net';
import type { Document } from 'bson';
import type { CommandExecutor } from './commands';
import { MAX_MESSAGE_SIZE } from './commands';
import type { DevDbLogger } from './index';
import { FramingError, MessageFramer, OP_QUERY, ProtocolError, encodeMsgReply, encodeOpReply, parseMessage, type Request } from './wire';

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
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.logger.debug?.({ err, connectionId }, 'devdb connection error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of framer.push(chunk)) {
          if (socket.destroyed) return;
          this.handle(socket, message, connectionId);
        }
      } catch (err) {
        // Framing lost (impossible length, unknown opcode): nothing more on this stream can be trusted.
        const level = err instanceof FramingError ? 'warn' : 'error';
        this.logger[level]({ err, connectionId }, 'devdb closes a connection after an unreadable message');
        socket.destroy();
      }
    });
  }

  private handle(socket: net.Socket, message: Buffer, connectionId: number): void {
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
        ? this.executor.execute(request.body, db, connectionId)
        : { ok: 0, errmsg: 'OP_QUERY is only supported for commands', code: 352, codeName: 'UnsupportedOpQueryCommand' };
      const encode = (doc: Document): Buffer => encodeOpReply(request.requestId, doc);
      this.queue({ socket, bytes: encode(reply), encode });
      return;
    }
    const reply = this.executor.execute(request.body, undefined, connectionId);
    const encode = (doc: Document): Buffer => encodeMsgReply(request.requestId, doc);
    // moreToCome: the client (an unacknowledged write) expects no reply; its write still joins the group.
    if (!request.moreToCome) this.queue({ socket, bytes: encode(reply), encode });
    else this.scheduleFlush();
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
      this.executor.commit();
    } catch (err) {
      this.logger.error({ err }, 'devdb could not commit a group of commands');
      failure = { ok: 0, errmsg: `devdb could not commit: ${(err as Error).message}`, code: 1, codeName: 'InternalError' };
    }
    for (const reply of replies) {
      if (!reply.socket.destroyed) reply.socket.write(failure ? reply.encode(failure) : reply.bytes);
    }
  }
}
