/**
 * The routes that are not resources: version, discovery, OpenAPI, metrics,
 * health and the CPU profile. Their bodies come from the builders in
 * discovery.ts, openapi.ts, metrics.ts and health.ts; this file only routes
 * and writes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notAcceptable } from '@apiserver-kit/codec';
import { captureCpuProfile } from '../debug-profile.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, versionInfo, wantsAggregatedDiscovery } from '../discovery.js';
import { type HealthCheck, serveHealth } from '../health.js';
import type { ApiServerMetrics } from '../metrics.js';
import { acceptsOpenApiV2Json, openApiV2, openApiV3Document, openApiV3Paths } from '../openapi.js';
import type { ServerContext } from './context.js';
import { integerParam } from './query.js';
import { pathNotFound } from './request-info.js';

/** What the non-resource routes need besides the shared context. */
export interface NonResourceRoutes {
  readonly context: ServerContext;
  readonly metrics: ApiServerMetrics;
  readonly liveChecks: readonly HealthCheck[];
  readonly readyChecks: readonly HealthCheck[];
  readonly enableProfiling: boolean;
}

function writeJson(request: IncomingMessage, response: ServerResponse, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body, null, isPretty(request) ? 2 : undefined);
  response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function isPretty(request: IncomingMessage): boolean {
  const agent = request.headers['user-agent'] ?? '';
  return agent.startsWith('curl') || agent.startsWith('Wget') || agent.startsWith('Mozilla/5.0');
}

const ROOT_PATHS: readonly string[] = ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v2', '/openapi/v3', '/readyz', '/version'];

/**
 * Serves a non-resource path (GET or HEAD only). Resolves once written.
 * @throws StatusError NotFound 404 for an unknown path, NotAcceptable 406, MethodNotAllowed 405.
 */
export async function serveNonResource(routes: NonResourceRoutes, request: IncomingMessage, response: ServerResponse, segments: readonly string[], query: URLSearchParams, signal: AbortSignal): Promise<void> {
  const { context } = routes;
  const resources = context.resources;
  const path = segments.join('/');
  const accept = request.headers.accept ?? '';
  if (segments.length === 0) return writeJson(request, response, { paths: ROOT_PATHS });
  const [first, ...rest] = segments;
  switch (first) {
    case 'version':
      if (rest.length === 0) return writeJson(request, response, versionInfo());
      break;
    case 'api':
      if (rest.length === 0) {
        if (wantsAggregatedDiscovery(accept)) return writeJson(request, response, aggregatedDiscovery(resources, 'api'), AGGREGATED_DISCOVERY_CONTENT_TYPE);
        return writeJson(request, response, apiVersions(request.headers.host ?? ''));
      }
      if (rest.length === 1 && resources.some((info) => info.group === '' && info.version === rest[0])) return writeJson(request, response, apiResourceList(resources, '', rest[0]!));
      break;
    case 'apis':
      if (rest.length === 0) {
        if (wantsAggregatedDiscovery(accept)) return writeJson(request, response, aggregatedDiscovery(resources, 'apis'), AGGREGATED_DISCOVERY_CONTENT_TYPE);
        return writeJson(request, response, apiGroupList(resources));
      }
      if (rest.length === 2 && resources.some((info) => info.group === rest[0] && info.version === rest[1])) return writeJson(request, response, apiResourceList(resources, rest[0]!, rest[1]!));
      break;
    case 'openapi':
      if (path === 'openapi/v3') return writeJson(request, response, openApiV3Paths(resources));
      if (rest[0] === 'v3' && rest.length > 1) {
        const document = openApiV3Document(resources, rest.slice(1).join('/'));
        if (document !== undefined) return writeJson(request, response, document);
      }
      if (path === 'openapi/v2') {
        if (!acceptsOpenApiV2Json(accept)) throw notAcceptable(['application/json']);
        return writeJson(request, response, openApiV2(resources));
      }
      break;
    case 'metrics':
      if (rest.length === 0) {
        const { contentType, body } = await routes.metrics.render();
        response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) });
        response.end(body);
        return;
      }
      break;
    case 'healthz':
    case 'livez':
    case 'readyz':
      if (rest.length <= 1 && serveHealth(response, first, rest[0], first === 'readyz' ? routes.readyChecks : routes.liveChecks, query)) return;
      break;
    case 'debug':
      if (routes.enableProfiling && path === 'debug/profile') {
        // pprof's default length; captureCpuProfile refuses lengths outside its bounds (400).
        const seconds = integerParam(query, 'seconds') ?? 30;
        const profile = await captureCpuProfile(seconds, { signal, clock: context.clock });
        response.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Disposition': 'attachment; filename="profile.cpuprofile"',
          'Cache-Control': 'no-cache, private',
          'Content-Length': Buffer.byteLength(profile),
        });
        response.end(profile);
        return;
      }
      break;
    default:
      break;
  }
  throw pathNotFound();
}
