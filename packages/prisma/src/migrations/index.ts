// Registry of TypeScript data migrations, maintained by @forge/migration's generators.
// Each entry maps a SQL migration folder name to the module with its up/down/validate.
export const dataMigrations: Record<string, () => Promise<unknown>> = {};
