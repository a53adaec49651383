/**
 * The HTTP server's answers to what never reaches the router: requests Node's parser
 * refuses (an unknown method such as FOO or lower-case get is a 405 on a known path, as
 * Go's router answers; a malformed request is a 400; a request not whole within the
 * request timeout is a 408; headers too large a 431), CONNECT (routed like any method
 * without a handler), and an `Expect: 100-continue` whose declared body is over the cap
 * (413 before the client sends it).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_BODY_BYTES } from '../limits.ts';
import { newRequestId } from '../request-id.ts';
import { readRawRequest, replyNoHandler, replyRaw } from './raw-reply.ts';
import { sendText } from './respond.ts';

type ClientError = Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number };

const STATUS_BY_CODE: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

function refuse(err: ClientError, socket: Socket, pathKnown: (path: string) => boolean): void {
  if (err.code === 'HPE_INVALID_METHOD' && err.rawPacket) {
    const req = readRawRequest(err.rawPacket, err.bytesParsed ?? 0);
    if (req) {
      replyNoHandler(socket, req, pathKnown);
      return;
    }
  }
  const status = (err.code && STATUS_BY_CODE[err.code]) || 400;
  replyRaw(socket, status, status === 400 ? '400 Bad Request' : '');
}

export function installRefusals(
  http: Server,
  pathKnown: (path: string) => boolean,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  http.on('clientError', (err: ClientError, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (current && !current.writableFinished) {
      // An earlier, whole request (pipelined) is still being answered: reply after it, in order.
      if (current.req?.complete && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
        current.once('finish', () => refuse(err, socket, pathKnown));
        return;
      }
      // The failing request is the one being answered: refuse it, unless its reply has begun.
      if (current.headersSent) {
        socket.destroy();
        return;
      }
    }
    refuse(err, socket, pathKnown);
  });

  http.on('connect', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => {});
    replyNoHandler(socket, { method: req.method ?? 'CONNECT', target: req.url ?? '', userAgent: req.headers['user-agent'] ?? '' }, pathKnown);
  });

  http.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      res.setHeader('X-Toxiproxy-Request-Id', newRequestId());
      res.setHeader('Connection', 'close');
      sendText(res, 413, `request body too large (at most ${MAX_BODY_BYTES} bytes)`);
      return;
    }
    res.writeContinue();
    handle(req, res);
  });
}
