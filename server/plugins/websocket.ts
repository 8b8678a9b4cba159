import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Context } from '../context.ts';
import type { LiveEvent } from '../events.ts';

const pingEveryMs = 25_000;

/**
 * One socket per dashboard at /api/ws (the session cookie authenticates the upgrade). Events
 * carry ids and new state; a client that reconnects reloads its snapshot over REST.
 */
export async function websocketRoutes(app: FastifyInstance, { ctx }: { ctx: Context }) {
  const clients = new Set<WebSocket>();
  const unsubscribe = ctx.bus.subscribe((event) => {
    const data = JSON.stringify(event);
    for (const socket of clients) {
      // A dashboard that cannot keep up is dropped rather than buffered without bound.
      if (socket.bufferedAmount > 4 * 1024 * 1024) socket.terminate();
      else socket.send(data);
    }
  });
  const ping = setInterval(() => {
    for (const socket of clients) socket.ping();
  }, pingEveryMs);
  ping.unref();
  app.addHook('onClose', async () => {
    unsubscribe();
    clearInterval(ping);
    for (const socket of clients) socket.close(1001, 'server shutting down');
  });

  app.get('/api/ws', { websocket: true, schema: { hide: true } }, (socket) => {
    clients.add(socket);
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
