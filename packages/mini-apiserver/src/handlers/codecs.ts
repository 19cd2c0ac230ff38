/**
 * The wire formats of one server and content negotiation over them: JSON,
 * YAML and Kubernetes protobuf, the `pretty` JSON variant, and the Table
 * conversion (`as=Table;g=meta.k8s.io;v=v1`) the blocks' negotiation passes
 * to the host.
 */
import type { IncomingMessage } from 'node:http';
import { type Decoder, type Encoder, JsonEncoder, negotiateDecoder, negotiateEncoder, ProtobufEncoder, YamlEncoder } from '@apiserver-kit/codec';
import type { IncludeObjectPolicy } from '../table.js';

/** The conversion string of server-side tables, as `negotiateEncoder` takes it. */
export const TABLE_CONVERSION = 'Table;meta.k8s.io;v1';

/** Which Table rows carry the object (Kubernetes' `includeObject` parameter): {@link IncludeObjectPolicy}. */
export type IncludeObject = IncludeObjectPolicy;

const TABLE_CONVERSIONS: readonly string[] = Object.freeze([TABLE_CONVERSION]);
const NO_CONVERSIONS: readonly string[] = Object.freeze([]);

/** What the response is to be written as. */
export interface Output {
  readonly encoder: Encoder;
  /** The client asked for a meta.k8s.io/v1 Table. */
  readonly table: boolean;
}

/** The encoders and decoders of one server (per server: no module-level state). */
export class Codecs {
  readonly json: JsonEncoder = new JsonEncoder();
  /** Indented JSON for `pretty` (Kubernetes indents with two spaces). */
  readonly prettyJson: JsonEncoder = new JsonEncoder({ indent: 2 });
  readonly yaml: YamlEncoder = new YamlEncoder();
  readonly protobuf: ProtobufEncoder = new ProtobufEncoder();
  /** In order of preference when the client has none. */
  readonly encoders: readonly Encoder[] = [this.json, this.yaml, this.protobuf];
  readonly decoders: readonly Decoder[] = [this.json, this.yaml, this.protobuf];

  /**
   * Negotiates the response format from `Accept`.
   * @param tables Whether the endpoint can answer a Table (lists, gets, watches of resources).
   * @throws StatusError NotAcceptable 406
   */
  output(request: IncomingMessage, query: URLSearchParams, options: { readonly watch?: boolean; readonly tables?: boolean } = {}): Output {
    const negotiated = negotiateEncoder(request.headers.accept, this.encoders, {
      watch: options.watch === true,
      conversions: options.tables === true ? TABLE_CONVERSIONS : NO_CONVERSIONS,
      prettyQuery: query.get('pretty') ?? undefined,
      userAgent: request.headers['user-agent'],
    });
    const table = negotiated.range.params['as'] === 'Table';
    const encoder = negotiated.pretty && negotiated.encoder === this.json ? this.prettyJson : negotiated.encoder;
    return { encoder, table };
  }

  /** The format of an error answer: as negotiated when possible, else JSON (a 406 itself is JSON, as in Kubernetes). */
  errorEncoder(request: IncomingMessage, query: URLSearchParams): Encoder {
    try {
      return this.output(request, query).encoder;
    } catch {
      return this.json;
    }
  }

  /** The decoder of a request body. @throws StatusError UnsupportedMediaType 415 */
  decoder(request: IncomingMessage): Decoder {
    return negotiateDecoder(request.headers['content-type'], this.decoders);
  }
}

/** Kubernetes' `includeObject` query parameter of Table requests. @throws nothing: anything unknown reads as the default */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}
