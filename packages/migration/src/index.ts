// The plugin's entry point. Nx loads it on every project-graph computation, so it stays light:
// only the target inference; generators and executors are loaded from their own files when they run.
export { createNodes, createNodesV2, type ForgeMigrationPluginOptions } from './plugin/create-nodes';
