// Scans bytes with ClamAV's daemon over its INSTREAM protocol (Unix socket or TCP), with a time limit.
import { connect, type Socket } from 'node:net';

export type ClamdAddress = { socket: string } | { host: string; port: number };

export type ScanVerdict =
  | { status: 'clean' }
  | { status: 'infected'; signature: string }
  /** clamd could not give a verdict (unreachable, too slow, or it answered an error). */
  | { status: 'unavailable'; reason: string };

export interface VirusScanner {
  scan(bytes: Buffer): Promise<ScanVerdict>;
}

const CHUNK_BYTES = 64 * 1024;
const MAX_REPLY_BYTES = 4096;

export class ClamdScanner implements VirusScanner {
  constructor(
    private readonly address: ClamdAddress,
    private readonly timeoutMs = 30_000,
  ) {}

  scan(bytes: Buffer): Promise<ScanVerdict> {
    return new Promise((resolve) => {
      let settled = false;
      let reply = '';
      const socket: Socket = 'socket' in this.address ? connect({ path: this.address.socket }) : connect({ host: this.address.host, port: this.address.port });
      const finish = (verdict: ScanVerdict) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(verdict);
      };
      const timer = setTimeout(() => finish({ status: 'unavailable', reason: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
      timer.unref();
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // clamd may close the stream early (size limit) and still have written its answer.
        if (reply.includes('\0')) finish(parseReply(reply));
        else finish({ status: 'unavailable', reason: error.code ?? error.message });
      });
      socket.on('data', (data: Buffer) => {
        reply += data.toString('utf8');
        if (reply.includes('\0') || reply.length > MAX_REPLY_BYTES) finish(parseReply(reply));
      });
      socket.on('end', () => finish(reply ? parseReply(reply) : { status: 'unavailable', reason: 'connection closed without an answer' }));
      socket.on('connect', () => {
        socket.write('zINSTREAM\0');
        for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
          const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
          const length = Buffer.alloc(4);
          length.writeUInt32BE(chunk.length);
          socket.write(length);
          socket.write(chunk);
        }
        socket.write(Buffer.alloc(4));
      });
    });
  }
}

/** `stream: OK`, `stream: <signature> FOUND`, or an error line such as `INSTREAM size limit exceeded. ERROR`. */
function parseReply(raw: string): ScanVerdict {
  const line = raw.split('\0')[0]?.trim() ?? '';
  if (/^stream: OK$/.test(line)) return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found?.[1]) return { status: 'infected', signature: found[1] };
  return { status: 'unavailable', reason: line.slice(0, 200) || 'empty answer' };
}
