/** Worker threads: TypeScript worker entries bundled once into plain JavaScript for piscina. */
export { bundledWorker } from './bundle.ts';
