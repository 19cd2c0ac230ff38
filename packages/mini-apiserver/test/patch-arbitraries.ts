import fc from 'fast-check';

// JSON-ish documents and merge patches for the patch property tests: a few keys so that
// patches hit existing fields, scalars, small arrays of scalars and flat objects.
const key = fc.constantFrom('a', 'b', 'c', 'data', 'x');
const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean());
// Arrays hold no objects with nulls: there evanphx's MergePatch prunes where RFC 7386 would not.
const arrayValue = fc.array(fc.oneof(scalar, fc.dictionary(key, scalar, { maxKeys: 2 })), { maxLength: 3 });
const { patchValue } = fc.letrec((tie) => ({
  patchValue: fc.oneof({ depthSize: 'small' }, scalar, fc.constant(null), arrayValue, fc.dictionary(key, tie('patchValue'), { maxKeys: 3 })),
}));
const { docValue } = fc.letrec((tie) => ({
  docValue: fc.oneof({ depthSize: 'small' }, scalar, arrayValue, fc.dictionary(key, tie('docValue'), { maxKeys: 3 })),
}));

/** Top-level fields of a document (no nulls). */
export const documentFields: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(key, docValue, { maxKeys: 4 });
/** Top-level fields of a merge patch (nulls delete). */
export const patchFields: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(key, patchValue, { maxKeys: 4 });
