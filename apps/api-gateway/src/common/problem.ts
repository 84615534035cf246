import { HttpException } from '@nestjs/common';

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export const titleFor = (status: number): string => TITLES[status] ?? 'Error';

/** An RFC 9457 problem; `type` is a stable identifier clients can switch on. */
export class Problem extends HttpException {
  constructor(
    status: number,
    readonly type: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }

  toBody(instance?: string) {
    return {
      type: `https://muse.studio/problems/${this.type}`,
      title: titleFor(this.getStatus()),
      status: this.getStatus(),
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const notFound = (what: string) => new Problem(404, 'not-found', `${what} not found`);
export const unauthorized = (detail: string) => new Problem(401, 'unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' });
export const validationProblem = (errors: FieldError[], detail = 'the request is not valid') => new Problem(400, 'validation', detail, errors);
