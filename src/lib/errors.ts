/** Errors a user can cause; the error handler turns each into a clear page with its status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message = '',
  ) {
    super(message);
  }
}

/** Not visible and not existing look the same (R-X1). */
export class NotFoundError extends HttpError {
  constructor() {
    super(404, 'Not found');
  }
}

/** Without a message the page shows the catalogue's general text; a message must come from t(). */
export class ForbiddenError extends HttpError {
  constructor(message = '') {
    super(403, message);
  }
}

/** Parses a route id; anything but a positive integer is a 404, not a 500. */
export function parseId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw)) throw new NotFoundError();
  const id = Number(raw);
  if (id > 2147483647) throw new NotFoundError();
  return id;
}
