/** A request the broadcast refuses, with the HTTP status the API answers and a message for the official. */
export class AlertRefused extends Error {
  override name = 'AlertRefused';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
