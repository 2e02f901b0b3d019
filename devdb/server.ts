// The TCP side: accepts connections, frames messages, runs each request and writes its reply.
import net from 'node:net';
import type { CommandExecutor } from './commands';
import { MAX_MESSAGE_SIZE } from './commands';
import type { DevDbLogger } from './index';
import { FramingError, MessageFramer, OP_QUERY, ProtocolError, encodeMsgReply, encodeOpReply, parseMessage, type Request } from './wire';

export class WireServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;

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
      socket.write(err.opCode === OP_QUERY ? encodeOpReply(err.requestId, reply) : encodeMsgReply(err.requestId, reply));
      return;
    }
    if (request.opCode === OP_QUERY) {
      // Only commands travel over OP_QUERY nowadays (the first handshake): "<db>.$cmd".
      const db = request.collection.endsWith('.$cmd') ? request.collection.slice(0, -'.$cmd'.length) : undefined;
      const reply = db
        ? this.executor.execute(request.body, db, connectionId)
        : { ok: 0, errmsg: 'OP_QUERY is only supported for commands', code: 352, codeName: 'UnsupportedOpQueryCommand' };
      socket.write(encodeOpReply(request.requestId, reply));
      return;
    }
    const reply = this.executor.execute(request.body, undefined, connectionId);
    // moreToCome: the client (an unacknowledged write) expects no reply.
    if (!request.moreToCome) socket.write(encodeMsgReply(request.requestId, reply));
  }
}
