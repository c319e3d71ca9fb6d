// The plugin's entry point. Nx loads it on every project-graph computation, so it stays light:
// generators and executors are loaded from their own files, only when they run.
export {};
