/**
 * `GET /alerts/<id>/image`: an alert's picture, for Messenger and Zalo to fetch (they are given
 * `PUBLIC_BASE_URL/alerts/<id>/image`). No token: the platforms cannot send one, and alert ids are
 * random (about 62 bits). The content type is the one read from the picture's bytes.
 */
import { Router } from 'express';
import { sendError } from '../http/errors.js';
import { AlertId } from './alert.js';
import type { AlertStore } from './store.js';

export function alertImageRoutes(store: Pick<AlertStore, 'image'>): Router {
  const router = Router();
  router.get('/alerts/:id/image', async (req, res, next) => {
    try {
      const id = AlertId.safeParse(req.params.id);
      const image = id.success ? await store.image(id.data) : undefined;
      if (!image) {
        sendError(res, 404, 'not_found', 'No such picture.');
        return;
      }
      res.set({ 'content-type': image.type, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' });
      res.send(image.data);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
