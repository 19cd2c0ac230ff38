import { once } from 'node:events';
import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpAdmission, FakeClock, MaxInFlight, PriorityAndFairness, writeTooManyRequests } from '../src/index.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('createHttpAdmission() — errors', () => {
  it('a work estimator that answers NaN → the admission rejects with its TypeError (not swallowed), the in-flight slot is given back', async () => {
    const inFlight = new MaxInFlight({ readOnly: 1 });
    const apf = new PriorityAndFairness({ clock: new FakeClock(), workEstimator: () => Number.NaN });
    const admit = createHttpAdmission({ attributes: () => ({ verb: 'get' }), maxInFlight: inFlight, priorityAndFairness: apf });
    const errors: unknown[] = [];
    server = createServer((request, response) => {
      admit(request, response).then(
        (admitted) => admitted && response.end('ok'),
        (error: unknown) => {
          errors.push(error);
          response.statusCode = 500;
          response.end();
        },
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    // The old glue caught the error as if the client had gone, and never answered.
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(answer.status).toBe(500);
    expect(errors).toEqual([new TypeError('Expected `workEstimator()` to be a number of seats, got `NaN` (number)')]);
    expect(inFlight.readOnlyInFlight).toBe(0);
  });
});

describe('writeTooManyRequests()', () => {
  const response = (): ServerResponse => new ServerResponse(new IncomingMessage(new Socket()));

  it('retryAfterSeconds NaN, −1, 1.5 or Infinity → TypeError / RangeError, nothing written', () => {
    const res = response();
    expect(() => writeTooManyRequests(res, 'm', Number.NaN)).toThrow(new TypeError('Expected `retryAfterSeconds` to be a non-negative integer, got `NaN` (number)'));
    expect(() => writeTooManyRequests(res, 'm', -1)).toThrow(new RangeError('Expected `retryAfterSeconds` to be a non-negative integer, got `-1` (number)'));
    expect(() => writeTooManyRequests(res, 'm', 1.5)).toThrow(new TypeError('Expected `retryAfterSeconds` to be a non-negative integer, got `1.5` (number)'));
    expect(() => writeTooManyRequests(res, 'm', Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect([res.statusCode, res.getHeader('retry-after'), res.writableEnded]).toEqual([200, undefined, false]);
  });

  it('a whole number of seconds → 429 with Retry-After', () => {
    const res = response();
    writeTooManyRequests(res, 'm', 4);
    expect([res.statusCode, res.getHeader('retry-after')]).toEqual([429, '4']);
  });
});
