// Generators print their BEFORE/AFTER and SQL through Nx's logger (console.info). Keep test
// output readable; set FORGE_TEST_VERBOSE=1 to see it. Tests that check the output spy on it.
if (!process.env.FORGE_TEST_VERBOSE) {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
}
