export { apiVersionOf, CORE_V1_RESOURCES, storageKey, storagePrefix } from './resources.js';
export type { ResourceInfo, ResourceVerb } from './resources.js';
