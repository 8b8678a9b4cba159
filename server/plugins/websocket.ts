import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Context } from '../context.ts';
import type { EndedSessions, LiveEvent } from '../events.ts';
import type { Principal } from '../modules/auth/principal.ts';

const pingEveryMs = 25_000;
// Sent when the credential a socket was opened with ends; the dashboard then asks who it is.
const sessionEndedCode = 4401;

function ended(principal: Principal | null, which: EndedSessions): boolean {
  if (!principal) return true;
  if (which.tokenId && principal.tokenId === which.tokenId) return true;
  if (principal.kind !== 'user') return false;
  if (which.sessionId && principal.sessionId === which.sessionId) return true;
  return Boolean(
    which.userId &&
    principal.userId === which.userId &&
    principal.sessionId !== which.exceptSessionId,
  );
}

/**
 * One socket per dashboard at /api/ws (the session cookie authenticates the upgrade). Events
 * carry ids and new state; a client that reconnects reloads its snapshot over REST.
 */
export async function websocketRoutes(app: FastifyInstance, { ctx }: { ctx: Context }) {
  const clients = new Map<WebSocket, Principal | null>();
  const unsubscribe = ctx.bus.subscribe((event) => {
    const data = JSON.stringify(event);
    for (const socket of clients.keys()) {
      // A dashboard that cannot keep up is dropped rather than buffered without bound.
      if (socket.bufferedAmount > 4 * 1024 * 1024) socket.terminate();
      else socket.send(data);
    }
  });
  const unsubscribeEnded = ctx.bus.onSessionsEnded((which) => {
    for (const [socket, principal] of clients) {
      if (ended(principal, which)) socket.close(sessionEndedCode, 'session ended');
    }
  });
  const ping = setInterval(() => {
    for (const socket of clients.keys()) socket.ping();
  }, pingEveryMs);
  ping.unref();
  app.addHook('onClose', async () => {
    unsubscribe();
    unsubscribeEnded();
    clearInterval(ping);
    for (const socket of clients.keys()) socket.close(1001, 'server shutting down');
  });

  app.get('/api/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
    clients.set(socket, request.principal);
    ctx.metrics.websocketClients.set(clients.size);
    const hello: LiveEvent = { type: 'hello' };
    socket.send(JSON.stringify(hello));
    socket.on('close', () => {
      clients.delete(socket);
      ctx.metrics.websocketClients.set(clients.size);
    });
    // The dashboard only listens; anything it sends is ignored.
    socket.on('message', () => {});
  });
}
