/**
 * Reads a kubeconfig as client-go's `clientcmd` does, for one context: the
 * server, the default namespace, the TLS material and the bearer token.
 *
 * ```
 *   options.text ─┐
 *   options.path ─┼─▶ YAML ─▶ context (given, or current-context) ─▶ cluster + user ─▶ Kubeconfig
 *   $KUBECONFIG ──┤    (first entry of the list)                        │
 *   ~/.kube/config┘                                                  file paths relative to the
 *                                                                    kubeconfig's directory
 * ```
 *
 * Supported credentials: `token`, `tokenFile`, `client-certificate(-data)` +
 * `client-key(-data)`, `certificate-authority(-data)`,
 * `insecure-skip-tls-verify`, `tls-server-name`. Not supported, refused with
 * an error naming them (rather than connecting without credentials):
 * `exec` plugins, `auth-provider`, `username`/`password`, `proxy-url`.
 *
 * Caveats: of a `:`-separated `KUBECONFIG` list only the first entry is read
 * (client-go merges them all); `tokenFile` is read once, here (client-go
 * re-reads it every minute, for rotated tokens).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { received } from '@apiserver-kit/core';
import { load as loadYaml } from 'js-yaml';
import { type ConfigEntry, configError, entryNamed, optionalString, readCredentialFile, readData, type Where } from './kubeconfig-fields.js';

/** The TLS material of a connection (PEM bytes). */
export interface KubeconfigTls {
  /** Trusted CA certificates; @default Node's root certificates */
  readonly ca: Buffer | undefined;
  /** The client certificate (with `key`). */
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  /** Do not verify the server's certificate (`insecure-skip-tls-verify`): for development only. */
  readonly insecureSkipTlsVerify: boolean;
  /** The name checked against the server's certificate (`tls-server-name`); @default the URL's host */
  readonly serverName: string | undefined;
}

/** One resolved context of a kubeconfig: what {@link connect} needs. */
export interface Kubeconfig {
  /** Where it was read from: a file path, or `<text>`. */
  readonly source: string;
  /** The context's name. */
  readonly context: string;
  /** The server's URL, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** The context's namespace; `default` when it names none (as kubectl). */
  readonly namespace: string;
  readonly tls: KubeconfigTls;
  /** The bearer token (`tokenFile` read, when given: it wins over `token`, as in client-go). */
  readonly token: string | undefined;
}

/** Options of {@link loadKubeconfig}. */
export interface LoadKubeconfigOptions {
  /** The kubeconfig file; @default the first entry of `$KUBECONFIG`, else `~/.kube/config` */
  readonly path?: string | undefined;
  /** The kubeconfig's YAML text (instead of a file; relative file paths in it resolve against the working directory). */
  readonly text?: string | undefined;
  /** The context to use; @default the kubeconfig's `current-context` */
  readonly context?: string | undefined;
  /** Where `KUBECONFIG` and `HOME` are read; @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** The file {@link loadKubeconfig} reads by default: the first entry of `KUBECONFIG`, else `~/.kube/config`. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env['KUBECONFIG'] ?? '').split(delimiter).find((entry) => entry.trim() !== '');
  if (first !== undefined) return resolve(first);
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : homedir();
  return join(home, '.kube', 'config');
}

/**
 * Reads a kubeconfig and resolves one context to its server, namespace, TLS
 * material and token. Synchronous (a few small files).
 *
 * @throws TypeError naming what is wrong: an unreadable file or invalid YAML;
 *   no such context (or no current-context); a context naming a missing
 *   cluster or user; a cluster without an http(s) `server`; bad base64 data;
 *   an unreadable certificate, key or token file; a client certificate
 *   without its key; a CA together with `insecure-skip-tls-verify` (client-go
 *   refuses it too); unsupported credentials (`exec`, `auth-provider`,
 *   `username`/`password`) or `proxy-url`.
 */
export function loadKubeconfig(options: LoadKubeconfigOptions = {}): Kubeconfig {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
  for (const name of ['path', 'text', 'context'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw new TypeError(`Expected \`${name}\` to be a string, got ${received(options[name])}`);
  }
  if (options.path !== undefined && options.text !== undefined) throw new TypeError(`Expected only one of \`path\` and \`text\`, got both`);
  let text: string;
  let source: string;
  let baseDir: string;
  if (options.text !== undefined) {
    text = options.text;
    source = '<text>';
    baseDir = process.cwd();
  } else {
    source = options.path !== undefined ? resolve(options.path) : defaultKubeconfigPath(options.env ?? process.env);
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      throw new TypeError(`Expected \`path\` to be a readable kubeconfig file, got ${received(source)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    baseDir = dirname(source);
  }
  let document: unknown;
  try {
    document = loadYaml(text);
  } catch (error) {
    throw new TypeError(`Expected the kubeconfig ${source} to be valid YAML, got an error: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new TypeError(`Expected the kubeconfig ${source} to be a YAML mapping (apiVersion: v1, kind: Config), got ${received(document)}`);
  }
  const config = document as Record<string, unknown>;
  const where: Where = { source, baseDir };

  const contextName = options.context ?? optionalString(config['current-context'], 'current-context', where);
  if (contextName === undefined || contextName === '') {
    throw configError(where, 'context', 'the name of a context (the kubeconfig has no current-context: pass `context`)', contextName);
  }
  const context = entryNamed(config, 'contexts', 'context', contextName, where, 'context');
  const clusterName = optionalString(context['cluster'], `contexts["${contextName}"].context.cluster`, where);
  if (clusterName === undefined || clusterName === '') throw configError(where, `contexts["${contextName}"].context.cluster`, 'the name of a cluster', clusterName);
  const cluster = entryNamed(config, 'clusters', 'cluster', clusterName, where, `contexts["${contextName}"].context.cluster`);
  const userName = optionalString(context['user'], `contexts["${contextName}"].context.user`, where);
  // A context without a user is anonymous (client-go: no AuthInfo); a named user must exist.
  const user: ConfigEntry = userName === undefined || userName === '' ? {} : entryNamed(config, 'users', 'user', userName, where, `contexts["${contextName}"].context.user`);
  const namespace = optionalString(context['namespace'], `contexts["${contextName}"].context.namespace`, where);

  const clusterPath = `clusters["${clusterName}"].cluster`;
  const server = optionalString(cluster['server'], `${clusterPath}.server`, where);
  if (server === undefined || !/^https?:\/\/[^/]/i.test(server) || !URL.canParse(server)) throw configError(where, `${clusterPath}.server`, 'an http(s) URL', server);
  if (cluster['proxy-url'] !== undefined) throw configError(where, `${clusterPath}.proxy-url`, 'unset (proxies are not supported)', cluster['proxy-url']);
  const insecure = cluster['insecure-skip-tls-verify'] ?? false;
  if (typeof insecure !== 'boolean') throw configError(where, `${clusterPath}.insecure-skip-tls-verify`, 'a boolean', insecure);
  const ca = readData(cluster, 'certificate-authority', clusterPath, where);
  // client-go transport.TLSConfigFor: "specifying a root certificates file with the insecure flag is not allowed".
  if (insecure && ca !== undefined) throw configError(where, `${clusterPath}.insecure-skip-tls-verify`, 'false when a certificate authority is given (a CA with the insecure flag is not allowed)', insecure);
  const serverName = optionalString(cluster['tls-server-name'], `${clusterPath}.tls-server-name`, where);

  const userPath = `users["${userName ?? ''}"].user`;
  for (const unsupported of ['exec', 'auth-provider', 'username', 'password'] as const) {
    if (user[unsupported] !== undefined && user[unsupported] !== null) {
      const why =
        unsupported === 'exec' || unsupported === 'auth-provider'
          ? `${unsupported} credential plugins are not supported: run the plugin and put the token it prints in \`token\`, or use client certificates`
          : 'basic authentication (username/password) is not supported: use a token or client certificates';
      throw configError(where, `${userPath}.${unsupported}`, `unset (${why})`, unsupported === 'password' ? '<redacted>' : user[unsupported]);
    }
  }
  const cert = readData(user, 'client-certificate', userPath, where);
  const key = readData(user, 'client-key', userPath, where);
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? 'client-certificate' : 'client-key';
    throw configError(where, `${userPath}.${missing}`, `set (client-certificate and client-key go together)`, undefined);
  }
  const tokenFile = optionalString(user['tokenFile'], `${userPath}.tokenFile`, where);
  if (user['token'] !== undefined && user['token'] !== null && typeof user['token'] !== 'string') throw configError(where, `${userPath}.token`, 'a string', `<redacted ${typeof user['token']}>`);
  let token = optionalString(user['token'], `${userPath}.token`, where);
  if (tokenFile !== undefined && tokenFile !== '') {
    token = readCredentialFile(tokenFile, `${userPath}.tokenFile`, where).toString('utf8').trim();
  }
  return Object.freeze({
    source,
    context: contextName,
    server,
    namespace: namespace === undefined || namespace === '' ? 'default' : namespace,
    tls: Object.freeze({ ca, cert, key, insecureSkipTlsVerify: insecure, serverName: serverName === '' ? undefined : serverName }),
    token: token === '' ? undefined : token,
  });
}
