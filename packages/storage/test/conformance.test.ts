import { describeStorageConformance } from '../src/conformance/index.js';
import { MemoryStorage } from '../src/index.js';

describeStorageConformance('MemoryStorage', () => new MemoryStorage());
