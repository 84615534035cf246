import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';

/**
 * Lets whatever a job handler throws reach the BullMQ transport, and so BullMQ, as itself. Nest's default RPC
 * exception handling replaces any error that is not an RpcException by `{ status: 'error', message: 'Internal
 * server error' }`: BullMQ then retried an UnrecoverableError through all its attempts (it goes by the error's
 * class), and every failed job's failedReason read "Internal server error", its stack trace gone.
 *
 * Registered once by the worker app for its whole Nest config, which its HTTP side (health, metrics) shares:
 * there it does what Nest does without it.
 */
@Catch()
export class JobErrorPassThrough extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
