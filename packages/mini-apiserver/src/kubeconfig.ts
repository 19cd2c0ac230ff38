/**
 * A kubeconfig for a server: one cluster at its URL (plain HTTP on loopback,
 * marked `insecure-skip-tls-verify` as client-node requires for http; no
 * credentials: the server authenticates nobody), one user, one context,
 * current. YAML text, written by hand: the values are ours (a URL and fixed
 * names), quoted so no YAML reading of them can surprise.
 */

/** Options of {@link kubeconfigFor}. */
export interface KubeconfigOptions {
  /** The name of the cluster, user and context. @default 'mini-apiserver' */
  readonly name?: string | undefined;
  /** The context's default namespace. @default 'default' */
  readonly namespace?: string | undefined;
  /** A bearer token to send (the server reads it as the user name, for flow control). @default none */
  readonly token?: string | undefined;
}

/** The kubeconfig YAML text pointing at `url`. */
export function kubeconfigFor(url: string, options: KubeconfigOptions = {}): string {
  const name = JSON.stringify(options.name ?? 'mini-apiserver');
  const namespace = JSON.stringify(options.namespace ?? 'default');
  const user = options.token === undefined ? '{}' : `\n    token: ${JSON.stringify(options.token)}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${JSON.stringify(url)}`,
    // No TLS at all; @kubernetes/client-node refuses an http:// server unless this is set ("HTTP protocol is not allowed when skipTLSVerify is not set").
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${name}`,
    `  user: ${user}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    `    namespace: ${namespace}`,
    `current-context: ${name}`,
    'preferences: {}',
    '',
  ].join('\n');
}
